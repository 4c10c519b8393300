/* hipload analyze — placeholder until its module lands. */
#include <stdio.h>

#include "cli.h"

int hl_cmd_analyze(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "hipload analyze: not implemented yet\n");
  return 2;
}
