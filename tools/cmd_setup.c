/* hipload setup — placeholder until its module lands. */
#include <stdio.h>

#include "cli.h"

int hl_cmd_setup(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "hipload setup: not implemented yet\n");
  return 2;
}
