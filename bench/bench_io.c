/* SPDX-License-Identifier: Apache-2.0 */
/* bench_io — time to read a storage file (issue 2): by default walk-jr/subject01_walk1_grf.mot
 * (3.6 MB, 588 Hz GRF), best and median of several reads, one core.
 *   bench_io [FILE] [--reps N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hipload/table.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  char path[2048];
  snprintf(path, sizeof path, "%s/walk-jr/subject01_walk1_grf.mot", HIPLOAD_DATA_DIR);
  int reps = 15;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
    else snprintf(path, sizeof path, "%s", argv[i]);
  }
  if (reps < 1) reps = 1;
  double *t = malloc(sizeof(double) * (size_t)reps);
  if (!t) return 1;
  int rows = 0, cols = 0;
  long bytes = 0;
  FILE *fp = fopen(path, "rb");
  if (fp) {
    fseek(fp, 0, SEEK_END);
    bytes = ftell(fp);
    fclose(fp);
  }
  for (int r = 0; r < reps; r++) {
    hl_table *tb = NULL;
    hl_error err;
    double a = now_s();
    if (hl_table_read(path, &tb, &err) != HL_OK) {
      fprintf(stderr, "%s\n", err.message);
      free(t);
      return 1;
    }
    t[r] = now_s() - a;
    rows = tb->nrow;
    cols = tb->ncol;
    hl_table_free(tb);
  }
  qsort(t, (size_t)reps, sizeof *t, cmp);
  printf("%s: %.2f MB, %d rows x %d columns: best %.2f ms, median %.2f ms over %d reads "
         "(%.0f MB/s)\n",
         path, bytes / 1e6, rows, cols, 1e3 * t[0], 1e3 * t[reps / 2], reps, bytes / 1e6 / t[reps / 2]);
  free(t);
  return 0;
}
