/* hipload batch — placeholder until its module lands. */
#include <stdio.h>

#include "cli.h"

int hl_cmd_batch(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "hipload batch: not implemented yet\n");
  return 2;
}
