/* hipload run — placeholder until its module lands. */
#include <stdio.h>

#include "cli.h"

int hl_cmd_run(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "hipload run: not implemented yet\n");
  return 2;
}
