/* SPDX-License-Identifier: Apache-2.0 */
/* Static optimization per frame: see include/hipload/so.h. */
#include "hipload/so.h"

#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "hipload/force.h"
#include "hipload/muscle.h"
#include "force_internal.h"
#include "kin_internal.h"
#include "muscle_internal.h"
#include "qp_internal.h"
#include "qp_barrier.h"

struct hl_so {
  hl_so_settings set;
  int nq, n, nrow;  /* coordinates, unknowns, constrained coordinates */
  int *row_coord;   /* nrow: coordinate of each constraint row */
  double *Afull;    /* nq × n: generalized force per unit control, formed by hl_so_matrix from
                       the constrained rows' nonzeros and the locked rows' entries (lk_*) */
  int nlock;        /* nq − nrow: locked coordinates */
  int *lk_num;      /* n: entries of column k at locked coordinates */
  int *lk_coord;    /* nlock × n: their coordinates, column k at k·nlock */
  double *lk_val;   /* nlock × n: their values */
  int *coord_row;   /* nq: constraint row of each coordinate, -1 when locked */
  int *ccnt;        /* n: nonzeros of each column of the constrained A (hl_qp_solve_cols) */
  int *crow;        /* nrow × n: their rows, ascending, column k at k·nrow */
  double *cval;     /* nrow × n: their values */
  double *b;        /* nrow */
  double *w, *lb, *ub, *x, *fpu; /* n each; fpu = force per unit control */
  int *active;      /* n */
  double *tau;      /* nq scratch */
  double *J3;       /* 3 × nq scratch */
  hl__mus_const *mc; /* nmuscle: pennation constants, computed once */
  double *mlanes;    /* mc's lane table for hl__muscle_fpa_all (muscle_internal.h), formed once */
  unsigned char *act_fixed; /* nactuator: 1 when the column does not depend on the pose
                               (coordinate actuators), built once in hl_so_create */
  /* Index lists for build_matrix, filled by the first solve from the kinematics workspace (they
   * depend on the model only); nq slots per muscle / actuator. */
  int lists_ready;
  unsigned char *mgap; /* n: the last build left an exact zero out of muscle k's rows (1 before
                          the first build): its rows may differ from the full list */
  int built;           /* build_matrix ran before */
  /* a muscle's coordinates that are constrained: their places in its own list (kin_internal.h's
   * mus_cols, so mus_ma_c[o_k + place] is the moment arm), their rows */
  int *mcon_pos, *mcon_row, *mcon_num;
  int *acol, *acol_num; /* a pose-dependent actuator's coordinates where its column can be nonzero */
  hl_qp *qp;
  double *xb, *bwork; /* barrier_mu > 0: the barrier point and its scratch */
};

static int actuator_matrix_column(hl_so *so, const hl_model *m, const hl_data *d, int a,
                                  const int *list, int nl);

void hl_so_settings_defaults(hl_so_settings *s) {
  if (!s) return;
  s->exponent = 2;
  s->use_muscle_physiology = 1;
  hl_qp_settings_defaults(&s->qp);
  s->barrier_mu = 0;
  s->barrier_max_iter = 200;
}

double hl_so_opensim_mu(double convergence_criterion) {
  return convergence_criterion > 0 ? 0.3 * convergence_criterion : 0;
}

void hl_so_free(hl_so *so) {
  if (!so) return;
  free(so->row_coord);
  free(so->Afull);
  free(so->lk_num);
  free(so->lk_coord);
  free(so->lk_val);
  free(so->coord_row);
  free(so->ccnt);
  free(so->crow);
  free(so->cval);
  free(so->b);
  free(so->w);
  free(so->lb);
  free(so->ub);
  free(so->x);
  free(so->fpu);
  free(so->active);
  free(so->tau);
  free(so->J3);
  free(so->mc);
  free(so->mlanes);
  free(so->act_fixed);
  free(so->mcon_pos);
  free(so->mcon_row);
  free(so->mcon_num);
  free(so->acol);
  free(so->acol_num);
  free(so->mgap);
  hl_qp_free(so->qp);
  free(so->xb);
  free(so->bwork);
  free(so);
}

static hl_so *so_make(const hl_model *m, const hl_so_settings *s) {
  if (!m) return NULL;
  hl_so *so = calloc(1, sizeof *so);
  if (!so) return NULL;
  if (s) so->set = *s;
  else hl_so_settings_defaults(&so->set);
  so->set.qp.p = so->set.exponent;
  so->nq = m->ncoord;
  so->n = m->nmuscle + m->nactuator;
  int nq = so->nq, n = so->n > 0 ? so->n : 1;
  so->row_coord = calloc((size_t)(nq > 0 ? nq : 1), sizeof(int));
  so->coord_row = calloc((size_t)(nq > 0 ? nq : 1), sizeof(int));
  if (so->row_coord && so->coord_row)
    for (int i = 0; i < nq; i++) {
      so->coord_row[i] = m->coord_locked[i] ? -1 : so->nrow;
      if (!m->coord_locked[i]) so->row_coord[so->nrow++] = i;
    }
  so->Afull = calloc((size_t)nq * n + 1, sizeof(double));
  so->nlock = nq - so->nrow;
  so->lk_num = calloc((size_t)n, sizeof(int));
  so->lk_coord = calloc((size_t)(so->nlock > 0 ? so->nlock : 1) * n, sizeof(int));
  so->lk_val = calloc((size_t)(so->nlock > 0 ? so->nlock : 1) * n, sizeof(double));
  so->ccnt = calloc((size_t)n, sizeof(int));
  so->crow = calloc((size_t)(so->nrow ? so->nrow : 1) * n, sizeof(int));
  so->cval = calloc((size_t)(so->nrow ? so->nrow : 1) * n, sizeof(double));
  so->b = calloc((size_t)(so->nrow ? so->nrow : 1), sizeof(double));
  so->w = calloc((size_t)n, sizeof(double));
  so->lb = calloc((size_t)n, sizeof(double));
  so->ub = calloc((size_t)n, sizeof(double));
  so->x = calloc((size_t)n, sizeof(double));
  so->fpu = calloc((size_t)n, sizeof(double));
  so->active = calloc((size_t)n, sizeof(int));
  so->tau = calloc((size_t)nq + 1, sizeof(double));
  so->J3 = calloc((size_t)3 * nq + 1, sizeof(double));
  so->mc = calloc((size_t)(m->nmuscle > 0 ? m->nmuscle : 1), sizeof *so->mc);
  so->mlanes = calloc(hl__muscle_lanes_size(m->nmuscle) + 1, sizeof(double));
  so->act_fixed = calloc((size_t)(m->nactuator > 0 ? m->nactuator : 1), 1);
  size_t nmus = (size_t)(m->nmuscle > 0 ? m->nmuscle : 1), nact = (size_t)(m->nactuator > 0 ? m->nactuator : 1);
  so->mcon_pos = calloc(nmus * (size_t)(nq > 0 ? nq : 1), sizeof(int));
  so->mcon_row = calloc(nmus * (size_t)(nq > 0 ? nq : 1), sizeof(int));
  so->mcon_num = calloc(nmus, sizeof(int));
  so->acol = calloc(nact * (size_t)(nq > 0 ? nq : 1), sizeof(int));
  so->acol_num = calloc(nact, sizeof(int));
  so->mgap = malloc(nmus);
  if (so->mgap) memset(so->mgap, 1, nmus);
  hl_qp_create(so->nrow, so->n, &so->set.qp, &so->qp, NULL);
  if (so->set.barrier_mu > 0) {
    so->xb = calloc((size_t)n, sizeof(double));
    so->bwork = calloc(hl__qp_barrier_work_size(so->nrow, n), sizeof(double));
    if (!so->xb || !so->bwork) {
      hl_so_free(so);
      return NULL;
    }
  }
  if (!so->mc || !so->mlanes || !so->act_fixed || !so->row_coord || !so->coord_row || !so->Afull ||
      !so->ccnt ||
      !so->crow || !so->cval || !so->b || !so->w || !so->lb || !so->ub || !so->x ||
      !so->fpu || !so->active || !so->tau || !so->J3 || !so->qp || !so->mcon_pos ||
      !so->mcon_row || !so->mcon_num || !so->acol || !so->acol_num || !so->lk_num ||
      !so->lk_coord || !so->lk_val || !so->mgap) {
    hl_so_free(so);
    return NULL;
  }
  for (int k = 0; k < m->nmuscle; k++) hl__muscle_const(m, k, &so->mc[k]);
  hl__muscle_lanes(so->mc, m->nmuscle, so->mlanes);
  for (int a = 0; a < m->nactuator; a++)
    if (m->act_type[a] == HL_ACT_COORDINATE) {
      so->act_fixed[a] = 1;
      actuator_matrix_column(so, m, NULL, a, NULL, 0);
    }
  for (int k = 0; k < so->n; k++) {
    so->w[k] = 1.0;
    if (k < m->nmuscle) {
      so->lb[k] = m->mus_min_control[k];
      so->ub[k] = m->mus_max_control[k];
      so->x[k] = 0.1;
    } else {
      int a = k - m->nmuscle;
      so->lb[k] = m->act_min_control[a];
      so->ub[k] = m->act_max_control[a];
    }
  }
  return so;
}

hl_status hl_so_create(const hl_model *m, const hl_so_settings *s, hl_so **out, hl_error *err) {
  if (!m || !out) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_so_create: NULL argument");
  *out = so_make(m, s);
  return *out ? HL_OK : hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory (static optimization)");
}

int hl_so_size(const hl_so *so) { return so ? so->n : 0; }
/* Afull is not written per frame (a strided store per nonzero): it is formed here, on request, from
 * the last solve's columns — the constrained rows' nonzeros the solver got and the entries at
 * locked coordinates. Exact zeros are zero either way. */
const double *hl_so_matrix(const hl_so *so) {
  if (!so) return NULL;
  int n = so->n, nr = so->nrow, nl = so->nlock;
  memset(so->Afull, 0, sizeof(double) * (size_t)so->nq * (size_t)n);
  for (int k = 0; k < n; k++) {
    for (int t = 0; t < so->ccnt[k]; t++)
      so->Afull[(size_t)so->row_coord[so->crow[(size_t)k * nr + t]] * n + k] =
          so->cval[(size_t)k * nr + t];
    for (int s = 0; s < so->lk_num[k]; s++)
      so->Afull[(size_t)so->lk_coord[(size_t)k * nl + s] * n + k] = so->lk_val[(size_t)k * nl + s];
  }
  return so->Afull;
}

/* Column nmuscle + a (generalized force per unit control: the unit-force column times the optimal
 * force) at the coordinates list[0..nl) (NULL: all; elsewhere the column is exactly zero): its
 * nonzeros in the constrained rows for the solver and its entries at locked coordinates (for
 * hl_so_matrix). d may be NULL for a coordinate actuator (its column does not depend on the pose).
 * Returns 1 when the constrained rows differ from the last build's. */
static int actuator_matrix_column(hl_so *so, const hl_model *m, const hl_data *d, int a,
                                  const int *list, int nl) {
  int nr = so->nrow, k = m->nmuscle + a;
  double fo = m->act_optimal_force[a], *col = so->tau; /* tau: nq scratch, free until the solve */
  so->fpu[k] = fo;
  if (!list) nl = so->nq;
  hl__force_actuator_column(m, d, a, list, nl, so->J3, col);
  int *cr = so->crow + (size_t)k * nr, c = 0, *lc = so->lk_coord + (size_t)k * so->nlock, l = 0;
  double *cv = so->cval + (size_t)k * nr, *lv = so->lk_val + (size_t)k * so->nlock;
  int oldc = so->ccnt[k], changed = 0;
  for (int s = 0; s < nl; s++) {
    int i = list ? list[s] : s, r = so->coord_row[i];
    double v = col[s] * fo;
    if (r < 0) {
      lc[l] = i;
      lv[l++] = v;
    } else if (v != 0.0) {
      changed |= c >= oldc || cr[c] != r;
      cr[c] = r;
      cv[c++] = v;
    }
  }
  so->ccnt[k] = c;
  so->lk_num[k] = l;
  return changed | (c != oldc);
}

/* The index lists of build_matrix: per muscle, the coordinates of its own list (kin_internal.h)
 * that are constrained, with their rows; per pose-dependent actuator, the coordinates that can move
 * the bodies it acts on (its generalized force is exactly zero at the others: a point actuator's
 * Jacobian and a torque actuator's body Jacobians are zero outside them). Ascending. */
static void fill_lists(hl_so *so, const hl_model *m, const hl__kin_data *kd) {
  int nq = so->nq;
  for (int k = 0; k < m->nmuscle; k++) {
    const int *cols = kd->mus_cols + kd->mus_cols_adr[k];
    int num = 0, nlk = 0;
    for (int s = 0; s < kd->mus_cols_num[k]; s++)
      if (so->coord_row[cols[s]] >= 0) {
        so->mcon_pos[(size_t)k * nq + num] = s;
        so->mcon_row[(size_t)k * nq + num++] = so->coord_row[cols[s]];
      } else
        so->lk_coord[(size_t)k * so->nlock + nlk++] = cols[s];
    so->mcon_num[k] = num;
    so->lk_num[k] = nlk;
  }
  double *mark = so->tau; /* nq scratch, free until the solve */
  for (int a = 0; a < m->nactuator; a++) {
    if (so->act_fixed[a]) continue;
    int t = m->act_type[a], bodies[2] = {-1, -1};
    if (t == HL_ACT_POINT) bodies[0] = m->act_body[a];
    else if (t == HL_ACT_TORQUE) {
      bodies[0] = m->act_body[a] > 0 ? m->act_body[a] : -1;
      bodies[1] = m->act_body_b[a] > 0 ? m->act_body_b[a] : -1;
    }
    for (int i = 0; i < nq; i++) mark[i] = t == HL_ACT_POINT || t == HL_ACT_TORQUE ? 0.0 : 1.0;
    for (int j = 0; j < 2; j++) {
      int b = bodies[j];
      if (b < 0) continue;
      const int *cols = kd->body_cols + kd->body_cols_adr[b];
      for (int s = 0; s < kd->body_cols_num[b]; s++) mark[cols[s]] = 1.0;
    }
    int num = 0;
    for (int i = 0; i < nq; i++)
      if (mark[i] != 0.0) so->acol[(size_t)a * nq + num++] = i;
    so->acol_num[a] = num;
  }
  so->lists_ready = 1;
}

/* the bits of |v| */
static inline uint64_t abs_bits(double v) {
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  return u & 0x7fffffffffffffffULL;
}

/* The constrained rows' nonzeros by column for the solver (rows ascending, exact zeros left out:
 * the same columns hl_qp_solve would gather from the dense constrained rows, so the answers are
 * bit-identical), and the entries at locked coordinates (for hl_so_matrix). Returns 1 when every
 * column has the same rows as at the last build (the solver may keep its envelope). */
static int build_matrix(hl_so *so, const hl_model *m, const hl_data *d) {
  int nq = so->nq, nr = so->nrow;
  const hl__kin_data *kd = hl__kin_c(d);
  if (!so->lists_ready) fill_lists(so, m, kd);
  hl__muscle_fpa_all(m, so->mc, so->mlanes, d->mus_len, d->mus_speed, so->set.use_muscle_physiology,
                     so->fpu);
  int same = so->built;
  size_t mc_at = 0; /* muscle k's place in the compact moment arms (kin_internal.h) */
  for (int k = 0; k < m->nmuscle; k++) {
    const double f = so->fpu[k];
    /* only the muscle's own coordinates: its other moment arms are exactly zero (kin_internal.h);
     * first those at locked coordinates (for hl_so_matrix; usually none) */
    const double *ma = d->mus_ma + (size_t)k * nq;
    const int *lc = so->lk_coord + (size_t)k * so->nlock;
    double *lv = so->lk_val + (size_t)k * so->nlock;
    for (int s = 0; s < so->lk_num[k]; s++) lv[s] = ma[lc[s]] * f;
    /* the constrained ones for the solver: the values at the full list's rows; when one is an
     * exact zero now, or was at the last build, the rows are written again with the zeros left
     * out (branch-free: the slot is written, and only kept when the value is not zero). Otherwise
     * crow and ccnt already hold the full list. */
    const int *cp = so->mcon_pos + (size_t)k * nq, num = so->mcon_num[k];
    const double *mc = kd->mus_ma_c + mc_at; /* the same values, contiguous */
    mc_at += kd->mus_cols_num[k];
    double *cv = so->cval + (size_t)k * nr;
    /* zero: whether some v == 0.0, as an integer test on the bits (|v|'s bits are 0 only for
     * ±0; the sign of |v|'s bits − 1 is set only then) */
    uint64_t zb = 0;
    if (so->lk_num[k] == 0) /* every coordinate of the list is constrained: places 0..num−1 */
      for (int s = 0; s < num; s++) {
        double v = mc[s] * f;
        cv[s] = v;
        zb |= (abs_bits(v) - 1) >> 63;
      }
    else
      for (int s = 0; s < num; s++) {
        double v = mc[cp[s]] * f;
        cv[s] = v;
        zb |= (abs_bits(v) - 1) >> 63;
      }
    int zero = (int)zb;
    if (zero | so->mgap[k]) {
      const int *rr = so->mcon_row + (size_t)k * nq;
      int *cr = so->crow + (size_t)k * nr, c = 0;
      for (int s = 0; s < num; s++) { /* c ≤ s: each value is read before its slot is reused */
        double v = cv[s];
        cr[c] = rr[s];
        cv[c] = v;
        c += v != 0.0;
      }
      so->ccnt[k] = c;
      so->mgap[k] = (unsigned char)zero;
      same = 0;
    }
  }
  for (int a = 0; a < m->nactuator; a++)
    if (!so->act_fixed[a] &&
        actuator_matrix_column(so, m, d, a, so->acol + (size_t)a * nq, so->acol_num[a]))
      same = 0;
  so->built = 1;
  return same;
}

hl_status hl_so_solve(const hl_model *m, hl_so *so, const hl_data *d, const double *tau_id,
                      double *control, double *force, hl_so_info *info, hl_error *err) {
  if (!so || !m || !d || !tau_id || !control || !force)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_so_solve: NULL argument");
  if (!d->priv || d->nq != so->nq || m->nmuscle + m->nactuator != so->n)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_so_solve: workspaces made for another model");
  int nq = so->nq, n = so->n;
  int same_rows = build_matrix(so, m, d);
  memset(so->tau, 0, sizeof(double) * (size_t)nq);
  hl_force_passive(m, d->q, d->qd, so->tau);
  for (int r = 0; r < so->nrow; r++) {
    int i = so->row_coord[r];
    so->b[r] = tau_id[i] - so->tau[i];
  }
  hl_qp_result res;
  /* build_matrix writes each column's rows ascending within 0..nrow−1, and w, lb, ub never change
   * after hl_so_create: the solver's trusted entry may skip its structural checks (and its
   * envelope, when no column's rows changed since the last call) */
  hl_status st = hl__qp_solve_cols_trusted(so->qp, so->ccnt, so->crow, so->cval, so->b, so->w,
                                           so->lb, so->ub, so->x, so->active, &res, same_rows, err);
  const double *xo = so->x;
  if (so->set.barrier_mu > 0 && st == HL_OK && res.outcome == HL_QP_OPTIMAL) {
    /* from the exact optimum to the barrier point; the exact one stays the next call's start */
    int bit = 0;
    memcpy(so->xb, so->x, sizeof(double) * (size_t)n);
    res.outcome = hl__qp_barrier(so->nrow, n, so->ccnt, so->crow, so->cval, so->b, so->w, so->lb,
                                 so->ub, so->set.exponent, so->set.barrier_mu, so->set.barrier_max_iter,
                                 so->xb, so->bwork, &bit, &res.residual);
    res.iterations += bit;
    xo = so->xb;
  }
  for (int k = 0; k < n; k++) {
    control[k] = xo[k];
    force[k] = xo[k] * so->fpu[k];
  }
  if (info) {
    info->outcome = res.outcome;
    info->iterations = res.iterations;
    info->residual = res.residual;
    info->n_active = res.n_active;
    info->reserve_max = 0;
    info->reserve_max_index = -1;
    for (int a = 0; a < m->nactuator; a++) {
      double f = fabs(force[m->nmuscle + a]);
      if (f > info->reserve_max) {
        info->reserve_max = f;
        info->reserve_max_index = a;
      }
    }
  }
  return st;
}
