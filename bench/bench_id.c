/* SPDX-License-Identifier: Apache-2.0 */
/* Inverse dynamics speed: µs per frame (kinematics + external loads + generalized forces and joint
 * loads) on the 23-coordinate gait2354 walk (walk-id) and the 37-coordinate Hamner running model
 * (run-hamner2010, RRA kinematics). Usage: bench_id [repeats]. Prints one line per model. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hipload/invdyn.h"
#include "hipload/motion.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int bench(const char *label, const char *model, const char *coords, const char *loads,
                 double cutoff, int repeats) {
  char pm[1024], pc[1024], pl[1024];
  snprintf(pm, sizeof pm, "%s/%s", HIPLOAD_DATA_DIR, model);
  snprintf(pc, sizeof pc, "%s/%s", HIPLOAD_DATA_DIR, coords);
  snprintf(pl, sizeof pl, "%s/%s", HIPLOAD_DATA_DIR, loads);
  hl_error e;
  hl_model *m = NULL;
  hl_table *t = NULL;
  hl_extloads *x = NULL;
  hl_motion *mo = NULL;
  hl_invdyn_extmap *map = NULL;
  if (hl_model_load(pm, &m, &e) || hl_table_read(pc, &t, &e) || hl_extloads_load(pl, NULL, &x, &e) ||
      hl_invdyn_extmap_create(m, x, &map, &e)) {
    fprintf(stderr, "%s: %s\n", label, e.message);
    return 1;
  }
  hl_motion_settings s;
  hl_motion_settings_defaults(&s);
  s.lowpass_hz = cutoff;
  double t0 = now_s();
  if (hl_motion_create(m, t, &s, &mo, &e)) {
    fprintf(stderr, "%s: %s\n", label, e.message);
    return 1;
  }
  double t_motion = now_s() - t0;
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  hl_invdyn *w = NULL;
  hl_invdyn_create(m, &w, NULL);
  double *ext = malloc(sizeof(double) * 6 * m->nbody);
  double *tau = malloc(sizeof(double) * m->ncoord);
  double *jf = malloc(sizeof(double) * 3 * m->njoint), *jm = malloc(sizeof(double) * 3 * m->njoint);
  double check = 0;
  t0 = now_s();
  for (int rep = 0; rep < repeats; rep++)
    for (int f = 0; f < mo->nframe; f++) {
      size_t k = (size_t)f * mo->nq;
      hl_kin_update(m, d, mo->q + k, mo->qd + k, mo->qdd + k, NULL);
      hl_invdyn_ext_wrenches(m, d, x, map, mo->t[f], ext);
      hl_invdyn_frame(m, w, d, ext, tau, jf, jm, NULL);
      check += tau[0];
    }
  double dt = now_s() - t0;
  long nf = (long)repeats * mo->nframe;
  printf("%-28s nq=%2d nbody=%2d frames=%5d  %7.2f us/frame  %9.0f frames/s  (motion pipeline %.1f ms; "
         "workspace %zu B; checksum %.3g)\n",
         label, m->ncoord, m->nbody, mo->nframe, 1e6 * dt / nf, nf / dt, 1e3 * t_motion,
         sizeof(double) * (6 * (size_t)m->nbody * 2 + (size_t)m->nbody), check);
  free(ext);
  free(tau);
  free(jf);
  free(jm);
  hl_invdyn_free(w);
  hl_kin_free(d);
  hl_invdyn_extmap_free(map);
  hl_motion_free(mo);
  hl_extloads_free(x);
  hl_table_free(t);
  hl_model_free(m);
  return 0;
}

int main(int argc, char **argv) {
  int repeats = argc > 1 ? atoi(argv[1]) : 50;
  if (repeats < 1) repeats = 1;
  int rc = 0;
  rc |= bench("walk-id gait2354 (23 dof)", "walk-id/subject01.osim", "walk-id/subject01_walk1_ik.mot",
              "walk-id/subject01_walk1_grf.xml", 6.0, repeats);
  rc |= bench("run-hamner2010 RRA (37 dof)", "run-hamner2010/reference/subject02_RRA_Adjusted.osim",
              "run-hamner2010/reference/rra_run_1_Kinematics_q.sto",
              "run-hamner2010/subject02_grf_HiFreq.xml", 15.0, repeats);
  return rc;
}
