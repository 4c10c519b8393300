/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — private muscle constants and the four-at-a-time force-per-activation kernel, shared
 * by muscle.c (which computes them) and so.c (which forms them once per workspace and calls the
 * kernel every frame). Not installed. */
#ifndef HIPLOAD_MUSCLE_INTERNAL_H
#define HIPLOAD_MUSCLE_INTERNAL_H

#include <stddef.h>

#include "hipload/model.h"

/* Per-muscle constants of the force per unit activation (lib/dyn/muscle.c), computed once from the
 * model so that a frame does no trigonometry on them: OpenSim's fixed-width pennation model. */
typedef struct hl__mus_const {
  double h;         /* l_opt sin α0, the fixed width */
  double sin_max, cos_max, max_pen; /* the maximum pennation angle */
  double lmin;      /* minimum fibre length of the pennation model */
  double lat_min;   /* lmin cos(max_pen): shorter projections put the fibre at lmin */
  int pennated;     /* α0 > machine epsilon */
  double inv_lopt;  /* 1/l_opt */
  double inv_lv;    /* 1/(l_opt v_max): fibre velocity to normalized velocity */
  /* Thelen 2003: f_V at a = 1 in closed form (fv_closed = 1 when the curve's parameters give its
   * usual three pieces: A_f > 0, F_len > 1, 0 < threshold < 1 < threshold·F_len) */
  int fv_closed;
  double fl_inv_k;          /* 1/γ of f_L = exp(−(l̃ − 1)²/γ) (kShapeActive) */
  double fv_inv_af, fv_flen; /* 1/A_f, F_len */
  double fv_c;              /* (2 + 2/A_f)/(F_len − 1) */
  double fv_fthr, fv_vthr;  /* force and velocity where the linear extrapolation starts */
  double fv_slope;          /* its slope dv/df */
  /* hl__muscle_fpa_all's own path for a Thelen muscle with f_V in closed form (thelen_fast):
   * h², and the model's l_TS and F0 copied here */
  int thelen_fast;
  double h2, lts, f0;
} hl__mus_const;

void hl__muscle_const(const hl_model *m, int i, hl__mus_const *c);
/* hl_muscle_force_per_activation with c from hl__muscle_const(m, i, c); i must be valid. */
double hl__muscle_fpa(const hl_model *m, int i, const hl__mus_const *c, double len, double speed,
                      int use_physiology, double *lnorm, double *vnorm, double *alpha);
/* The lane table of hl__muscle_fpa_all: the constants of muscles 4g .. 4g + 3 side by side
 * (field f of muscle i at lanes[4(NF (i/4) + f) + i%4]), so that a quad's (AVX2) are read with
 * one load; HL__ML_PENN holds a select mask (all bits set when pennated), HL__ML_QUAD
 * (at a quad's first muscle) is 1 when the quad's four muscles exist and are thelen_fast.
 * hl__muscle_lanes_size(n) doubles, 16-byte aligned (calloc), filled once by hl__muscle_lanes from
 * hl__muscle_const's output. */
enum {
  HL__ML_LTS, HL__ML_LAT_MIN, HL__ML_H2, HL__ML_LMIN, HL__ML_PENN, HL__ML_H, HL__ML_SIN_MAX,
  HL__ML_COS_MAX, HL__ML_INV_LOPT, HL__ML_INV_LV, HL__ML_FL_INV_K, HL__ML_FV_VTHR, HL__ML_FV_C,
  HL__ML_FV_FLEN, HL__ML_FV_INV_AF, HL__ML_FV_SLOPE, HL__ML_FV_FTHR, HL__ML_F0, HL__ML_QUAD,
  HL__MUS_LANE_NF
};
size_t hl__muscle_lanes_size(int nmuscle);
void hl__muscle_lanes(const hl__mus_const *c, int nmuscle, double *lanes);
/* out[i] = hl__muscle_fpa(m, i, &c[i], len[i], speed[i], use_physiology, NULL, NULL, NULL) for
 * every muscle (the same bits, without a call per muscle). lanes: the lane table of c, or NULL
 * (then every muscle takes the scalar path; with it, quads of thelen_fast muscles run four at a
 * time on CPUs with AVX2: the same bits either way). */
void hl__muscle_fpa_all(const hl_model *m, const hl__mus_const *c, const double *lanes,
                        const double *len, const double *speed, int use_physiology, double *out);

#endif
