/* hipload info — placeholder until its module lands. */
#include <stdio.h>

#include "cli.h"

int hl_cmd_info(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "hipload info: not implemented yet\n");
  return 2;
}
