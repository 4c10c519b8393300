/* SPDX-License-Identifier: Apache-2.0 */
/* bench_kin — µs per frame of hl_kin_update (q, q̇, q̈) + hl_muscle_update (lengths, speeds, moment
 * arms of every muscle about every coordinate) on real models and their kinematics, one core.
 * Usage: bench_kin [DATA_DIR]   (default: the configured reference data folder) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hipload/hipload.h"
#include "hipload/model.h"
#include "hipload/table.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One line for a model and its coordinates file; returns 0 on success. */
static int bench(const char *label, const char *dir, const char *model_rel, const char *kin_rel) {
  char mpath[1024], kpath[1024];
  snprintf(mpath, sizeof mpath, "%s/%s", dir, model_rel);
  snprintf(kpath, sizeof kpath, "%s/%s", dir, kin_rel);
  hl_error err;
  hl_model *m = NULL;
  hl_table *t = NULL;
  double t0 = now_s();
  if (hl_model_load(mpath, &m, &err) != HL_OK) {
    fprintf(stderr, "%s: %s\n", label, err.message);
    return 1;
  }
  double t_load = now_s() - t0;
  if (hl_table_read(kpath, &t, &err) != HL_OK) {
    fprintf(stderr, "%s: %s\n", label, err.message);
    hl_model_free(m);
    return 1;
  }
  const int nq = m->ncoord, nf = t->nrow;
  double *q = malloc(sizeof(double) * (size_t)nq * (size_t)nf);
  double *qd = calloc((size_t)nq * (size_t)nf, sizeof(double));
  double *qdd = calloc((size_t)nq * (size_t)nf, sizeof(double));
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  if (!q || !qd || !qdd || !d) {
    fprintf(stderr, "%s: out of memory\n", label);
    return 1;
  }
  for (int c = 0; c < nq; c++) {
    int col = hl_table_col(t, m->coord_name[c]);
    for (int f = 0; f < nf; f++) {
      double v = col >= 0 ? hl_table_get(t, f, col) : m->coord_default[c];
      if (col >= 0 && t->in_degrees && m->coord_rotational[c]) v *= 3.14159265358979323846 / 180.0;
      q[(size_t)f * nq + c] = v;
    }
  }
  for (int f = 1; f + 1 < nf; f++) /* central differences: realistic speeds and accelerations */
    for (int c = 0; c < nq; c++) {
      double dt = hl_table_time(t, f + 1) - hl_table_time(t, f - 1);
      double a = q[(size_t)(f - 1) * nq + c], b = q[(size_t)f * nq + c], e = q[(size_t)(f + 1) * nq + c];
      qd[(size_t)f * nq + c] = (e - a) / dt;
      qdd[(size_t)f * nq + c] = 4.0 * (e - 2.0 * b + a) / (dt * dt);
    }
  int allow = 1; /* models with wrap objects: time the straight-line path */
  double sink = 0.0;
  long frames = 0;
  double t1 = now_s(), elapsed;
  do {
    for (int f = 0; f < nf; f++) {
      size_t o = (size_t)f * nq;
      if (hl_kin_update(m, d, q + o, qd + o, qdd + o, NULL) != HL_OK ||
          hl_muscle_update(m, d, allow, &err) != HL_OK) {
        fprintf(stderr, "%s: frame %d failed\n", label, f);
        return 1;
      }
      sink += d->mus_len[0];
      frames++;
    }
    elapsed = now_s() - t1;
  } while (elapsed < 1.0);
  size_t bytes = sizeof(double) * ((size_t)nq * 3 + (size_t)m->nbody * (6 * nq + 24) +
                                   (size_t)m->nmuscle * (nq + 3) + (size_t)m->npathpt * 7);
  printf("%s: %d bodies, %d coordinates, %d muscles: %.2f us/frame (kin + muscles, %ld frames), "
         "load %.1f ms, workspace ~%zu kB (checksum %.6g)\n",
         label, m->nbody, nq, m->nmuscle, 1e6 * elapsed / (double)frames, frames, 1e3 * t_load,
         bytes / 1024, sink / (double)frames);
  free(q);
  free(qd);
  free(qdd);
  hl_kin_free(d);
  hl_table_free(t);
  hl_model_free(m);
  return 0;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : HIPLOAD_DATA_DIR;
  int rc = 0;
  rc |= bench("hamner2010 (run-hamner2010 RRA)", dir,
              "run-hamner2010/reference/subject02_RRA_Adjusted.osim",
              "run-hamner2010/reference/rra_run_1_Kinematics_q.sto");
  rc |= bench("gait2392 (walk-jr)", dir, "walk-jr/subject01_simbody_adjusted_StaticOp.osim",
              "walk-jr/subject01_walk1_Kinematics.sto");
  return rc;
}
