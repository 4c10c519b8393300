/* SPDX-License-Identifier: Apache-2.0 */
/* Static optimization per frame: see include/hipload/so.h. */
#include "hipload/so.h"

#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "hipload/muscle.h"
#include "kin_internal.h"
#include "induced_internal.h"
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
  double *mlanes;    /* mc's lane table for hl__muscle_fpa_all (kin_internal.h), formed once */
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

hl_so *hl_so_create(const hl_model *m, const hl_so_settings *s) {
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
  so->qp = hl_qp_create(so->nrow, so->n, &so->set.qp);
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

/* Simbody's smooth step (10x³ − 15x⁴ + 6x⁵) from y0 at x0 to y1 at x1. */
static double smooth_step(double y0, double y1, double x0, double x1, double x) {
  if (x1 == x0) return x < x0 ? y0 : y1;
  double u = (x - x0) / (x1 - x0);
  if (u <= 0) return y0;
  if (u >= 1) return y1;
  double s = u * u * u * (10 - 15 * u + 6 * u * u);
  return y0 + (y1 - y0) * s;
}

double hl_limit_force(const hl_model *m, int i, const double *q, const double *qd, double *pe) {
  int c = m->lim_coord[i];
  if (pe) *pe = 0;
  if (c < 0) return 0;
  const double *p = m->lim_param + 7 * i;
  double kup = p[0], qup = p[1], klow = p[2], qlow = p[3], damp = p[4], trans = p[5];
  /* Stiffness ramps smoothly over `trans` beyond each limit (OpenSim CoordinateLimitForce). */
  double Ku = smooth_step(0.0, kup, qup, qup + trans, q[c]);
  double Kl = smooth_step(klow, 0.0, qlow - trans, qlow, q[c]);
  double f = -Ku * (q[c] - qup) + Kl * (qlow - q[c]);
  double ramp = (kup != 0 ? Ku / kup : 0) + (klow != 0 ? Kl / klow : 0);
  f += -damp * ramp * (qd ? qd[c] : 0);
  if (pe) {
    /* the spring's potential energy: the integral of the smooth-step stiffness times the
     * penetration, in closed form (as OpenSim's computePotentialEnergy reports it) */
    double K = 0, delta = 0;
    if (q[c] > qup) K = kup, delta = q[c] - qup;
    else if (q[c] < qlow) K = klow, delta = qlow - q[c];
    if (K != 0) {
      if (delta >= trans) *pe = K * ((-2.0 / 14.0) * trans * trans + 0.5 * delta * delta);
      else {
        double x = delta / trans;
        *pe = K * x * x * x * (2.0 - 2.5 * x + (6.0 / 7.0) * x * x) * delta * delta;
      }
    }
  }
  return f;
}

void hl_passive_forces(const hl_model *m, const double *q, const double *qd, double *tau) {
  for (int i = 0; i < m->nlimit; i++) {
    int c = m->lim_coord[i];
    if (c >= 0) tau[c] += hl_limit_force(m, i, q, qd, NULL);
  }
}

void hl_actuator_line(const hl_model *m, const hl_data *d, int a, double point[3], double dir[3]) {
  int b = m->act_body[a];
  const double *pt = m->act_point + 3 * a, *dv = m->act_direction + 3 * a;
  const double *R = b > 0 ? d->body_R + 9 * b : NULL;
  if (m->act_type[a] == HL_ACT_POINT && b > 0 && !m->act_point_global[a]) hl_kin_point(m, d, b, pt, point);
  else memcpy(point, pt, 3 * sizeof(double));
  if (m->act_dir_global[a] || !R) memcpy(dir, dv, 3 * sizeof(double));
  else
    for (int i = 0; i < 3; i++) dir[i] = R[3 * i] * dv[0] + R[3 * i + 1] * dv[1] + R[3 * i + 2] * dv[2];
}

/* Generalized force per unit force (N) or torque (N·m) of non-muscle actuator a at the
 * coordinates list[0..nl) (ascending), into col[0..nl); list NULL: every coordinate (nl = nq).
 * J3 (3·nq) is scratch. d may be NULL for a coordinate actuator. */
static void actuator_column(const hl_model *m, const hl_data *d, int a, const int *list, int nl,
                            double *J3, double *col) {
  int nq = m->ncoord;
  if (!list) nl = nq;
#define COORD(s) (list ? list[s] : (s))
  for (int s = 0; s < nl; s++) col[s] = 0;
  if (m->act_type[a] == HL_ACT_COORDINATE) {
    for (int s = 0; s < nl; s++)
      if (COORD(s) == m->act_coord[a]) col[s] = 1;
  } else if (m->act_type[a] == HL_ACT_POINT) {
    int b = m->act_body[a];
    if (b < 0 || nl == 0) return;
    double pg[3], dir[3], local[3];
    hl_actuator_line(m, d, a, pg, dir);
    const double *R = d->body_R + 9 * b;
    double r[3] = {pg[0] - d->body_p[3 * b], pg[1] - d->body_p[3 * b + 1], pg[2] - d->body_p[3 * b + 2]};
    for (int i = 0; i < 3; i++) local[i] = R[i] * r[0] + R[3 + i] * r[1] + R[6 + i] * r[2];
    hl_kin_point_jacobian(m, d, b, local, J3);
    for (int s = 0; s < nl; s++) {
      int i = COORD(s);
      col[s] = J3[i] * dir[0] + J3[nq + i] * dir[1] + J3[2 * nq + i] * dir[2];
    }
  } else if (m->act_type[a] == HL_ACT_TORQUE) {
    int ba = m->act_body[a], bb = m->act_body_b[a];
    double pg[3], axis[3];
    hl_actuator_line(m, d, a, pg, axis);
    /* torque on A, the opposite on B: generalized force = (J_ωA − J_ωB)ᵀ axis */
    const double *JA = ba > 0 ? d->body_J + (size_t)6 * nq * ba : NULL;
    const double *JB = bb > 0 ? d->body_J + (size_t)6 * nq * bb : NULL;
    for (int s = 0; s < nl; s++) {
      int i = COORD(s);
      double g = 0;
      if (JA) g += JA[i] * axis[0] + JA[nq + i] * axis[1] + JA[2 * nq + i] * axis[2];
      if (JB) g -= JB[i] * axis[0] + JB[nq + i] * axis[1] + JB[2 * nq + i] * axis[2];
      col[s] = g;
    }
  }
#undef COORD
}

/* For the induced-contributions engine (lib/induced_internal.h): the full column. */
void hl__actuator_column(const hl_model *m, const hl_data *d, int a, double *J3, double *col) {
  actuator_column(m, d, a, NULL, 0, J3, col);
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
  actuator_column(m, d, a, list, nl, so->J3, col);
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

void hl_actuator_gen_forces(const hl_model *m, const hl_data *d, const double *mus_force,
                            const double *act_force, double *J3, double *col, double *tau) {
  int nq = m->ncoord;
  const hl__kin_data *kd = hl__kin_c(d);
  /* a muscle's moment arms are zero outside its own coordinate list (kin_internal.h) */
  for (int k = 0; k < m->nmuscle && mus_force; k++) {
    const int *cols = kd->mus_cols + kd->mus_cols_adr[k];
    const double *ma = d->mus_ma + (size_t)k * nq;
    for (int s = 0; s < kd->mus_cols_num[k]; s++) tau[cols[s]] += ma[cols[s]] * mus_force[k];
  }
  for (int a = 0; a < m->nactuator && act_force; a++) {
    actuator_column(m, d, a, NULL, 0, J3, col);
    for (int i = 0; i < nq; i++) tau[i] += col[i] * act_force[a];
  }
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

hl_status hl_so_solve(hl_so *so, const hl_model *m, const hl_data *d, const double *tau_id,
                      double *control, double *force, hl_so_info *info) {
  if (!so || !m || !d || !tau_id || !control || !force) return HL_ERR_INVALID_ARG;
  int nq = so->nq, n = so->n;
  int same_rows = build_matrix(so, m, d);
  memset(so->tau, 0, sizeof(double) * (size_t)nq);
  hl_passive_forces(m, d->q, d->qd, so->tau);
  for (int r = 0; r < so->nrow; r++) {
    int i = so->row_coord[r];
    so->b[r] = tau_id[i] - so->tau[i];
  }
  hl_qp_result res;
  /* build_matrix writes each column's rows ascending within 0..nrow−1, and w, lb, ub never change
   * after hl_so_create: the solver's trusted entry may skip its structural checks (and its
   * envelope, when no column's rows changed since the last call) */
  hl_status st = hl__qp_solve_cols_trusted(so->qp, so->ccnt, so->crow, so->cval, so->b, so->w,
                                           so->lb, so->ub, so->x, so->active, &res, same_rows);
  const double *xo = so->x;
  if (so->set.barrier_mu > 0 && st == HL_OK && !res.least_squares) {
    /* from the exact optimum to the barrier point; the exact one stays the next call's start */
    int bit = 0;
    memcpy(so->xb, so->x, sizeof(double) * (size_t)n);
    st = hl__qp_barrier(so->nrow, n, so->ccnt, so->crow, so->cval, so->b, so->w, so->lb, so->ub,
                        so->set.exponent, so->set.barrier_mu, so->xb, so->bwork, &bit, &res.residual);
    res.iterations += bit;
    xo = so->xb;
  }
  for (int k = 0; k < n; k++) {
    control[k] = xo[k];
    force[k] = xo[k] * so->fpu[k];
  }
  if (info) {
    info->status = st;
    info->iterations = res.iterations;
    info->residual = res.residual;
    info->n_active = res.n_active;
    info->least_squares = res.least_squares;
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
  return st == HL_ERR_INFEASIBLE ? HL_OK : st;
}
