/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — private layout of the kinematics workspace, shared by kinematics.c and muscle_path.c.
 * Not installed.
 *
 * hl_data_create allocates this struct and hands out a pointer to its first member; the extra
 * fields are precomputed index tables (sized from the model, filled once) and a flag recording
 * what the last hl_kin_update computed. */
#ifndef HIPLOAD_KIN_INTERNAL_H
#define HIPLOAD_KIN_INTERNAL_H

#include <stddef.h>

#include "hipload/model.h"
#include "hipload/qp.h"

/* One point of a muscle's current path: a path point or a wrap tangent point. */
typedef struct hl__path_ent {
  int body;             /* body it is fixed in */
  int src;              /* model path point, -1 for a tangent point */
  int pw;               /* path wrap entry of a tangent point, -1 otherwise */
  int obj;              /* wrap object of a tangent point, -1 otherwise */
  double loc[3];        /* in its body */
  double off[3];        /* R_GB loc: from the body origin, in ground */
  double pos[3];        /* in ground */
  double wlen;          /* second tangent point: the length over the surface from the first */
} hl__path_ent;

typedef struct hl__kin_data {
  hl_data pub;          /* must stay the first member: (hl_data *) <-> (hl__kin_data *) */
  int nbody;            /* model sizes at creation, checked on every call */
  int nmuscle;
  int npathpt;
  int has_state;        /* 1 once hl_kin_update succeeded */
  int has_qd;           /* 1 when the last hl_kin_update had qd (speeds are meaningful) */
  /* Coordinates that can move body b: the sorted, duplicate-free list
   * body_cols[body_cols_adr[b] .. + body_cols_num[b]). Only these columns of body_J are ever
   * written; the others stay zero. */
  int *body_cols;
  int *body_cols_adr;
  int *body_cols_num;
  /* Coordinates muscle i's moment arms can depend on: mus_cols[mus_cols_adr[i] .. + num). The
   * others are exactly zero: they are absent from every path body's list, or they drive a single
   * joint whose child is an ancestor of (or is) every body of the path and move no path point, so
   * the whole path moves rigidly with them (the pelvis' six, for a leg muscle). */
  int *mus_cols;
  int *mus_cols_adr;
  int *mus_cols_num;
  /* The same moment arms compactly, muscle after muscle, each in its list's order: with
   * o_i = mus_cols_num[0] + … + mus_cols_num[i − 1], mus_ma_c[o_i + s] is
   * pub.mus_ma[i nq + mus_cols[mus_cols_adr[i] + s]] (the same bits; lib/muscle_path.c computes
   * them here and copies them into the dense row), so a reader going through the muscles in
   * order (static optimization) loads one contiguous array. */
  double *mus_ma_c;
  int *apt_src;         /* slots: model path point behind active slot k (same slots as apt_*),
                           -1 for a wrap tangent point */
  /* A muscle's current path while its wraps are applied (lib/muscle_path.c), path_cap entries
   * (the most points and tangent points of any muscle), and its PathWraps' order and results. */
  struct hl__path_ent *path;
  int path_cap;
  int *wrap_order, *wrap_result;
  int nslot;            /* npathpt + 2·npathwrap of the model at creation */
  /* Accelerations are linear in q̈: body_dw = dw0 + J_ω q̈, body_a = a0 + J_v q̈, with dw0/a0 the
   * velocity-product (bias) part of the last update with q̇. hl_kin_update always forms them this
   * way, so when q and q̇ are bitwise those of the last update only the q̈ part is redone, with
   * the same bits as a full update. */
  double *body_dw0;     /* 3 per body */
  double *body_a0;      /* 3 per body */
} hl__kin_data;

/* A Millard curve (lib/muscle.c): up to 5 quintic Bézier segments with their control points,
 * the linear extensions outside [xlo, xhi], and each segment's x at u = j/8 (j = 0..8), where
 * the inversion x(u) = x starts. */
typedef struct hl__bez {
  int nseg;
  double px[5][6], py[5][6];
  double xlo, xhi, ylo, yhi, slo, shi;
  double xt[5][9];
} hl__bez;

/* Per-muscle constants of the force per unit activation (lib/muscle.c), computed once from the
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
  /* Millard2012: its active force-length and force-velocity curves, built once */
  int millard;
  hl__bez fl, fv;
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

/* hl_qp_solve_cols for lib/so.c, which builds its columns itself (counts within 0..m, rows
 * strictly ascending within 0..m−1) and passes the same w, lb, ub values on every call: a warm
 * p = 2 call skips the structural and weight/bound checks (lib/qp.c says why non-finite values
 * are still caught). Same answers, bits, errors and warm start as hl_qp_solve_cols, except that
 * res->cost is NAN when the checks were skipped. res must not be NULL. same_rows = 1 promises
 * that cnt and rows are the same as at the last call (J's envelope is then kept). */
hl_status hl__qp_solve_cols_trusted(hl_qp *qp, const int *cnt, const int *rows,
                                    const double *vals, const double *b, const double *w,
                                    const double *lb, const double *ub, double *x, int *active,
                                    hl_qp_result *res, int same_rows);

static inline hl__kin_data *hl__kin(hl_data *d) { return (hl__kin_data *)d; }
static inline const hl__kin_data *hl__kin_c(const hl_data *d) { return (const hl__kin_data *)d; }

#endif
