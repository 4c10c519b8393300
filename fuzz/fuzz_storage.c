/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the storage (.sto/.mot) reader on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "hipload/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  hl_table *t = NULL;
  hl_error err;
  hl_status st = hl_table_read_memory((const char *)data, size, "fuzz.sto", &t, &err);
  if (st == HL_OK && t) {
    /* Touch what a caller would touch: every name and the interpolation of each column. */
    double acc = 0;
    for (int c = 0; c < t->ncol; c++) {
      acc += (double)(t->names[c][0] != 0);
      if (t->nrow > 0) acc += hl_table_interp(t, c, hl_table_time(t, 0));
    }
    (void)acc;
  }
  hl_table_free(t);
  return 0;
}
