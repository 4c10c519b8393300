/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — command-line entry point. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hipload/hipload.h"

static const struct {
  const char *name;
  int (*fn)(int, char **);
  const char *help;
} commands[] = {
    {"run", hl_cmd_run, "analyse the embedded running stance end to end"},
    {"analyze", hl_cmd_analyze, "analyse your own model, kinematics and ground reaction forces"},
    {"setup", hl_cmd_setup, "run an OpenSim tool setup file (ID, SO, JR, MuscleAnalysis)"},
    {"info", hl_cmd_info, "describe a .sto/.mot/.osim/ExternalLoads file as JSON"},
    {"batch", hl_cmd_batch, "run many trials listed in a manifest CSV"},
};

static void usage(FILE *f) {
  fprintf(f, "hipload %s — hip contact force and muscle contributions in stance\n\n", hl_version());
  fprintf(f, "usage: hipload <command> [options]\n\ncommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
  fprintf(f, "\n'hipload <command> --help' describes a command's options.\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("hipload %s\n", hl_version());
    return 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(argv[1], commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
  fprintf(stderr, "hipload: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return 2;
}
