/* SPDX-License-Identifier: Apache-2.0 */
/* grf_lowpass IN.mot OUT.mot HZ — filter the force and torque columns of a ground-force file
 * (labels containing "force_v" or "torque") with the filter hipload and OpenSim apply to
 * coordinates (hl_signal_lowpass), leaving time and centre-of-pressure columns as they are.
 * Used for the "matched" measurements of docs/filtering.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/signal.h"
#include "hipload/table.h"

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: grf_lowpass IN.mot OUT.mot CUTOFF_HZ\n");
    return 2;
  }
  hl_table *t = NULL;
  hl_error e;
  if (hl_table_read(argv[1], &t, &e) != HL_OK) {
    fprintf(stderr, "%s\n", e.message);
    return 1;
  }
  double fc = atof(argv[3]);
  double dt = (hl_table_time(t, t->nrow - 1) - hl_table_time(t, 0)) / (t->nrow - 1);
  double *x = malloc(sizeof(double) * (size_t)t->nrow);
  int st = x ? 0 : 1;
  for (int c = 1; c < t->ncol && !st; c++) {
    if (!strstr(t->names[c], "force_v") && !strstr(t->names[c], "torque")) continue;
    for (int r = 0; r < t->nrow; r++) x[r] = hl_table_get(t, r, c);
    st = hl_signal_lowpass(x, t->nrow, dt, fc, &e) != HL_OK;
    for (int r = 0; r < t->nrow; r++) t->data[(size_t)r * t->ncol + c] = x[r];
  }
  if (!st && hl_table_write_sto(t, argv[2], NULL, &e) != HL_OK) {
    fprintf(stderr, "%s\n", e.message);
    st = 1;
  }
  free(x);
  hl_table_free(t);
  return st;
}
