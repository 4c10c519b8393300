/* SPDX-License-Identifier: Apache-2.0 */
/* frame_step — one frame at a time with hl_frame_step (frame.h), the call every hipload
 * analysis is built on: the embedded stance's frames, static optimization, the hip reaction on
 * the femur in the femur frame with each muscle group's contribution. Prints, per frame, the hip
 * contact force and the largest group's part of it along the resultant, and how the solver ended.
 *
 *   cc frame_step.c $(pkg-config --cflags --libs hipload) -lm -o frame_step && ./frame_step
 */
#include <math.h>
#include <stdio.h>

#include <hipload/hipload.h>

/* The frames of the window: q, q̇, q̈ as OpenSim's AnalyzeTool forms them. */
static hl_status motion(const hl_model *m, const hl_table *q, const hl_sample *s, hl_motion **mo, hl_error *err) {
  hl_motion_settings ms;
  hl_motion_settings_defaults(&ms);
  ms.t0 = s->t0;
  ms.t1 = s->t1;
  ms.step_interval = 5;
  ms.acc = HL_MOTION_ACC_SPEEDSPLINE;
  return hl_motion_create(m, q, &ms, mo, err);
}

/* Every frame; the hip is reaction 0. */
static hl_status frames(const hl_model *m, hl_frame *w, const hl_motion *mo, hl_error *err) {
  for (int f = 0; f < mo->nframe; f++) {
    size_t o = (size_t)f * (size_t)mo->nq;
    hl_frame_input in = {mo->t[f], mo->q + o, mo->qd + o, mo->qdd + o, NULL, NULL};
    hl_frame_result r;
    hl_status st = hl_frame_step(m, w, &in, &r, err);
    if (st) return st;
    const double *F = r.reaction[0].f;
    double mag = sqrt(F[0] * F[0] + F[1] * F[1] + F[2] * F[2]), best = 0;
    int g_best = -1;
    for (int g = 0; g < r.ngroup; g++) { /* group g's force along the resultant */
      const double *c = r.group_contrib + 6 * (size_t)g;
      double along = mag > 0 ? (c[0] * F[0] + c[1] * F[1] + c[2] * F[2]) / mag : 0;
      if (r.group_crosses[g] && along > best) best = along, g_best = g;
    }
    printf("t = %.3f s  hip %7.1f N  largest part %-16s %7.1f N  solver %s\n", r.time, mag,
           g_best >= 0 ? r.group_name[g_best] : "-", best,
           r.so.outcome == HL_QP_OPTIMAL ? "optimal" : r.so.outcome == HL_QP_LEAST_SQUARES ? "least squares" : "iteration limit");
  }
  return HL_OK;
}

int main(void) {
  hl_sample s;
  hl_sample_get(&s);
  hl_error err;
  hl_error_clear(&err);
  hl_model *m = NULL;
  hl_table *q = NULL, *grf = NULL;
  hl_extloads *loads = NULL;
  hl_motion *mo = NULL;
  hl_frame *w = NULL;
  hl_status st = hl_model_load_memory(s.model, s.model_len, "sample.osim", &m, &err);
  if (!st) st = hl_table_read_memory(s.coordinates, s.coordinates_len, "sample_q.sto", &q, &err);
  if (!st) st = hl_table_read_memory(s.grf, s.grf_len, "sample_grf.mot", &grf, &err);
  if (!st) {
    st = hl_extloads_load_memory(s.loads, s.loads_len, "sample_grf.xml", grf, &loads, &err);
    grf = NULL; /* owned by the loads now */
  }
  if (!st) st = motion(m, q, &s, &mo, &err);
  if (!st) {
    int hip = hl_model_joint(m, "hip_r"), femur = hl_model_body(m, "femur_r");
    hl_frame_joint joint = {hip, 0, femur}; /* on the femur (child), in the femur frame */
    hl_frame_settings fs;
    hl_frame_settings_defaults(&fs); /* static optimization, contributions on, anatomical groups */
    fs.loads = loads;
    fs.njoint = 1;
    fs.joint = &joint;
    st = hip < 0 || femur < 0 ? hl_error_set(&err, HL_ERR_NOT_FOUND, NULL, 0, "no hip_r / femur_r")
                              : hl_frame_create(m, &fs, &w, &err);
  }
  if (!st) st = frames(m, w, mo, &err);
  if (st) fprintf(stderr, "frame_step: %s\n", err.message[0] ? err.message : hl_strerror(st));
  hl_frame_free(w);
  hl_motion_free(mo);
  hl_extloads_free(loads);
  hl_table_free(grf);
  hl_table_free(q);
  hl_model_free(m);
  return st ? 1 : 0;
}
