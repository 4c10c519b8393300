/* SPDX-License-Identifier: Apache-2.0 */
/* Induced contributions per frame: see include/hipload/induced.h. */
#include "hipload/induced.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/force.h"
#include "force_internal.h"
#include "induced_internal.h"
#include "kin_internal.h"

void hl_induced_settings_defaults(hl_induced_settings *s) {
  if (!s) return;
  memset(s, 0, sizeof *s);
  s->contact = HL_CONTACT_ROLLING;
  s->force_threshold = HL_INDUCED_THRESHOLD;
  s->cop_max_distance = 0.4;
  s->friction = 0.5;
  s->contact_radius = 0.01;
}

void hl_induced_free(hl_induced *w) {
  if (!w) return;
  double *arr[] = {w->tau_g, w->tau_v, w->Mq, w->Mf, w->Ic, w->sv, w->Fc, w->L, w->mscr, w->C, w->W, w->Gt, w->P, w->Ht, w->D, w->jr,
                   w->jr_direct, w->grf, w->com, w->jr_total, w->lam, w->xs, w->tau_res,
                   w->acc_pas, w->tau, w->tau2, w->x, w->y, w->tq, w->tq2, w->J3, w->dw, w->a, w->ext,
                   w->ext_rep, w->mc, w->ac};
  for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++) free(arr[i]);
  free(w->iscr);
  free(w->run_adr);
  free(w->run_num);
  free(w->run_lo);
  free(w->run_len);
  free(w->cbody);
  free(w->par);
  free(w->fk);
  free(w->free_idx);
  free(w->free_of);
  free(w->joint);
  free(w->in_sub);
  free(w->site);
  free(w);
}

static double *dalloc(size_t n) { return calloc(n ? n : 1, sizeof(double)); }

/* Floor normal (settings, or opposite to gravity) and tangents: t1 the ground x axis made
 * orthogonal to n (z when x is along n), t2 = t1 × n (the floor's z for +Y up). */
static void floor_basis(hl_induced *w, const hl_model *m) {
  double *n = w->n, g = sqrt(m->gravity[0] * m->gravity[0] + m->gravity[1] * m->gravity[1] +
                             m->gravity[2] * m->gravity[2]);
  double len = sqrt(w->set.normal[0] * w->set.normal[0] + w->set.normal[1] * w->set.normal[1] +
                    w->set.normal[2] * w->set.normal[2]);
  for (int i = 0; i < 3; i++)
    n[i] = len > 0 ? w->set.normal[i] / len : g > 0 ? -m->gravity[i] / g : i == 1;
  double x[3] = {1, 0, 0};
  if (fabs(n[0]) > 0.9) x[0] = 0, x[2] = 1;
  double xn = x[0] * n[0] + x[1] * n[1] + x[2] * n[2], tl = 0;
  for (int i = 0; i < 3; i++) w->t1[i] = x[i] - xn * n[i];
  for (int i = 0; i < 3; i++) tl += w->t1[i] * w->t1[i];
  for (int i = 0; i < 3; i++) w->t1[i] /= sqrt(tl);
  w->t2[0] = w->t1[1] * n[2] - w->t1[2] * n[1];
  w->t2[1] = w->t1[2] * n[0] - w->t1[0] * n[2];
  w->t2[2] = w->t1[0] * n[1] - w->t1[1] * n[0];
}

static int alloc_arrays(hl_induced *w, const hl_model *m) {
  size_t nq = (size_t)w->nq, nf = (size_t)w->nf, nb = (size_t)w->nb, K = (size_t)w->K;
  size_t nj = (size_t)w->nj, no = (size_t)w->no, R = HL__IND_MAXROW;
  w->Mq = dalloc(nq * nq);
  w->Mf = dalloc(nf * nf);
  w->tau_g = dalloc(nf);
  w->tau_v = dalloc(nf);
  w->Ic = dalloc(10 * nb);
  w->sv = dalloc(6 * nf);
  w->Fc = dalloc(6 * nf);
  w->cbody = calloc(nf ? nf : 1, sizeof(int));
  w->L = dalloc(nf * nf);
  w->mscr = dalloc(9 * nq);
  w->C = dalloc(R * nf);
  w->W = dalloc(R * nf);
  w->Gt = dalloc(nf * R);
  w->P = dalloc(no * nf);
  w->Ht = dalloc(nf * no);
  w->D = dalloc(no * R);
  w->jr = dalloc(K * nj * 6);
  w->jr_direct = dalloc(K * nj * 6);
  w->grf = dalloc(K * HL_INDUCED_MAX_FEET * 6);
  w->com = dalloc(K * 3);
  w->jr_total = dalloc(nj * 6);
  w->lam = dalloc(K * R);
  w->xs = dalloc(HL__IND_NSPECIAL * nf);
  w->tau_res = dalloc(nf);
  w->acc_pas = dalloc((size_t)w->nl);
  w->tau = dalloc(nf);
  w->tau2 = dalloc(nf);
  w->x = dalloc(nf);
  w->y = dalloc(no);
  w->tq = dalloc(nq);
  w->tq2 = dalloc(nq);
  w->J3 = dalloc(hl_force_scratch_size(m));
  w->dw = dalloc(3 * nb);
  w->a = dalloc(3 * nb);
  w->ext = dalloc(6 * nb);
  w->ext_rep = dalloc(6 * nb);
  w->mc = dalloc(6 * (size_t)w->nm);
  w->ac = dalloc(6 * (size_t)w->na);
  w->iscr = calloc(nf ? nf : 1, sizeof(int));
  w->par = calloc(nf ? nf : 1, sizeof(int));
  w->run_adr = calloc(nf ? nf : 1, sizeof(int));
  w->run_num = calloc(nf ? nf : 1, sizeof(int));
  w->run_lo = calloc(nf * nf + 1, sizeof(int));
  w->run_len = calloc(nf * nf + 1, sizeof(int));
  w->fk = dalloc((size_t)(w->nm + w->na));
  w->free_idx = calloc(nq ? nq : 1, sizeof(int));
  w->free_of = calloc(nq ? nq : 1, sizeof(int));
  w->joint = calloc(nj ? nj : 1, sizeof *w->joint);
  w->in_sub = calloc((nj ? nj : 1) * nb, 1);
  w->site = calloc(nj ? nj : 1, sizeof *w->site);
  double *arr[] = {w->tau_g, w->tau_v, w->Mq, w->Mf, w->Ic, w->sv, w->Fc, w->L, w->mscr, w->C, w->W, w->Gt, w->P, w->Ht, w->D, w->jr,
                   w->jr_direct, w->grf, w->com, w->jr_total, w->lam, w->xs, w->tau_res,
                   w->acc_pas, w->tau, w->tau2, w->x, w->y, w->tq, w->tq2, w->J3, w->dw, w->a, w->ext,
                   w->ext_rep, w->mc, w->ac};
  for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++)
    if (!arr[i]) return 0;
  return w->run_adr && w->run_num && w->run_lo && w->run_len && w->cbody && w->par && w->fk && w->iscr && w->free_idx && w->free_of && w->joint && w->in_sub && w->site;
}

/* Free coordinates in tree order (by the body their joint moves, parents first, then by index)
 * and each one's predecessor on its path to the root; w->tree = 0 when a coordinate drives
 * several joints' axes (then M is factored densely). */
static void free_order(hl_induced *w, const hl_model *m) {
  int nq = w->nq, f = 0;
  w->tree = 1;
  for (int t = 0; t < 6 * m->njoint; t++) /* a coordinate driving another joint's axis */
    for (int i = 0; i < m->tax_ncoord[t] && i < HL_TAX_MAXCOORD; i++) {
      int c = m->tax_coord[HL_TAX_MAXCOORD * t + i];
      if (c >= 0 && c < nq && !m->coord_locked[c] && m->coord_joint[c] != t / 6) w->tree = 0;
    }
  for (int b = 1; b < m->nbody; b++) /* body order is parents first */
    for (int c = 0; c < nq; c++)
      if (!m->coord_locked[c] && m->coord_joint[c] >= 0 && m->jnt_child[m->coord_joint[c]] == b)
        w->free_idx[f++] = c;
  for (int c = 0; c < nq; c++) /* coordinates of no joint: last, outside the tree */
    if (!m->coord_locked[c] && (m->coord_joint[c] < 0 || m->jnt_child[m->coord_joint[c]] <= 0)) {
      w->free_idx[f++] = c;
      w->tree = 0;
    }
  for (int c = 0; c < nq; c++) w->free_of[c] = -1;
  for (int i = 0; i < w->nf; i++) {
    int j = m->coord_joint[w->free_idx[i]];
    w->free_of[w->free_idx[i]] = i;
    w->cbody[i] = j >= 0 ? m->jnt_child[j] : 0;
  }
  for (int i = 0; i < w->nf; i++) {
    int c = w->free_idx[i], j = m->coord_joint[c];
    w->par[i] = -1;
    if (i > 0 && j >= 0 && m->coord_joint[w->free_idx[i - 1]] == j) {
      w->par[i] = i - 1;
      continue;
    }
    for (int b = j >= 0 ? m->jnt_parent[j] : 0; b > 0 && w->par[i] < 0; b = m->body_parent[b])
      for (int k = i - 1; k >= 0; k--) {
        int jk = m->coord_joint[w->free_idx[k]];
        if (jk >= 0 && m->jnt_child[jk] == b) {
          w->par[i] = k;
          break;
        }
      }
  }
}

/* The ancestor runs of every free index (tree order). */
static void ancestor_runs(hl_induced *w) {
  int n = 0;
  for (int f = 0; f < w->nf; f++) {
    w->run_adr[f] = n;
    w->run_num[f] = 0;
    for (int g = w->par[f]; g >= 0; g = w->par[g]) {
      if (w->run_num[f] > 0 && w->run_lo[n - 1] == g + 1) {
        w->run_lo[n - 1] = g;
        w->run_len[n - 1]++;
      } else {
        w->run_lo[n] = g;
        w->run_len[n++] = 1;
        w->run_num[f]++;
      }
    }
  }
}

hl_status hl_induced_create(const hl_model *m, const hl_induced_settings *s,
                            const hl_induced_joint *joints, int njoint, hl_induced **out, hl_error *err) {
  if (!out) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_induced_create: NULL argument");
  *out = NULL;
  if (!m || njoint < 0 || (njoint > 0 && !joints))
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_induced_create: NULL argument or negative joint count");
  if (m->nbody < 2) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_induced_create: the model has no body");
  if (m->ncoupler > 0) /* the constrained solve has no rows for q_dep = f(q_ind) yet */
    return hl_error_set(err, HL_ERR_UNSUPPORTED, NULL, 0,
                        "model '%s': induced contributions do not handle CoordinateCouplerConstraints "
                        "('%s' and %d more); turn them off (hipload --no-induced, "
                        "hl_frame_settings.induced = 0)", m->name, m->cpl_name[0], m->ncoupler - 1);
  for (int j = 0; j < njoint; j++)
    if (joints[j].joint < 0 || joints[j].joint >= m->njoint || joints[j].frame < 0 ||
        joints[j].frame >= m->nbody)
      return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                          "hl_induced_create: joint %d: joint index %d or frame %d outside the model", j,
                          joints[j].joint, joints[j].frame);
  hl_induced *w = calloc(1, sizeof *w);
  if (!w) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory (induced contributions)");
  if (s) w->set = *s;
  else hl_induced_settings_defaults(&w->set);
  w->nq = m->ncoord;
  w->nb = m->nbody;
  w->nm = m->nmuscle;
  w->na = m->nactuator;
  w->nl = m->nlimit;
  w->nj = njoint;
  w->no = 6 * njoint + 3;
  w->k_grav = w->nm + w->na;
  w->k_vel = w->k_grav + 1;
  w->k_pas = w->k_vel + 1;
  w->k_mis = w->k_pas + w->nl;
  w->k_res = w->k_mis + 1;
  w->k_unm = w->k_res + 1;
  w->K = w->k_unm + 1;
  for (int c = 0; c < w->nq; c++) w->nf += !m->coord_locked[c];
  if (!alloc_arrays(w, m)) {
    hl_induced_free(w);
    return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory (induced contributions)");
  }
  free_order(w, m);
  ancestor_runs(w);
  if (njoint > 0) memcpy(w->joint, joints, sizeof *joints * (size_t)njoint);
  w->mass = hl_model_mass(m);
  floor_basis(w, m);
  *out = w;
  return HL_OK;
}

int hl_induced_ncontrib(const hl_induced *w) { return w ? w->K : 0; }

hl_induced_kind hl_induced_kind_of(const hl_induced *w, int k, int *index) {
  int i = k;
  hl_induced_kind kind = HL_IC_MUSCLE;
  if (k >= w->k_unm) kind = HL_IC_UNMODELLED, i = 0;
  else if (k >= w->k_res) kind = HL_IC_RESIDUAL, i = 0;
  else if (k >= w->k_mis) kind = HL_IC_MISMATCH, i = 0;
  else if (k >= w->k_pas) kind = HL_IC_PASSIVE, i = k - w->k_pas;
  else if (k >= w->k_vel) kind = HL_IC_VELOCITY, i = 0;
  else if (k >= w->k_grav) kind = HL_IC_GRAVITY, i = 0;
  else if (k >= w->nm) kind = HL_IC_ACTUATOR, i = k - w->nm;
  if (index) *index = i;
  return kind;
}

const char *hl_induced_name(const hl_model *m, const hl_induced *w, int k) {
  if (!w || !m || k < 0 || k >= w->K) return NULL;
  int i;
  switch (hl_induced_kind_of(w, k, &i)) {
  case HL_IC_MUSCLE: return m->mus_name[i];
  case HL_IC_ACTUATOR: return m->act_name[i];
  case HL_IC_PASSIVE: return m->lim_name[i];
  case HL_IC_GRAVITY: return "gravity";
  case HL_IC_VELOCITY: return "velocity";
  case HL_IC_MISMATCH: return "contact_mismatch";
  case HL_IC_RESIDUAL: return "dynamic_residual";
  default: return "unmodelled_grf";
  }
}

/* ---------------------------------------------------------------- generalized forces */

/* tau (free) += Jᵀ of a body load: force F, moment Mo about the body origin, ground. */
static void add_body_tau(const hl_induced *w, const hl_data *d, int b, const double F[3],
                         const double Mo[3], double *tau) {
  const hl__kin_data *kd = hl__kin_c(d);
  const double *J = d->body_J + (size_t)6 * w->nq * b;
  const int *cols = kd->body_cols + kd->body_cols_adr[b];
  int nq = w->nq;
  for (int i = 0; i < kd->body_cols_num[b]; i++) {
    int c = cols[i], f = w->free_of[c];
    if (f < 0) continue;
    tau[f] += J[c] * Mo[0] + J[nq + c] * Mo[1] + J[2 * nq + c] * Mo[2] + J[3 * nq + c] * F[0] +
              J[4 * nq + c] * F[1] + J[5 * nq + c] * F[2];
  }
}

/* Gravity's generalized force (sign = +1) or the velocity products' −c(q, q̇) (sign = −1: the
 * inertial load of the bodies at q̈ = 0 and the real speeds), added into tau. */
static void body_tau(const hl_induced *w, const hl_model *m, const hl_data *d, int velocity,
                     double *tau) {
  const hl__kin_data *kd = hl__kin_c(d);
  static const double zero[3] = {0, 0, 0};
  for (int b = 1; b < m->nbody; b++) {
    double F[3], Mo[3];
    const double *p = d->body_p + 3 * b;
    if (velocity) {
      hl__jr_body_load(m, d, b, p, kd->body_dw0 + 3 * b, kd->body_a0 + 3 * b, d->body_w + 3 * b, 0,
                       F, Mo);
    } else { /* minus the load of zero motion with gravity: the weight */
      hl__jr_body_load(m, d, b, p, zero, zero, NULL, 1, F, Mo);
    }
    for (int i = 0; i < 3; i++) {
      F[i] = -F[i];
      Mo[i] = -Mo[i];
    }
    add_body_tau(w, d, b, F, Mo, tau);
  }
}

static void ext_tau(const hl_induced *w, const hl_model *m, const hl_data *d, const double *ext,
                    double *tau) {
  for (int b = 1; b < m->nbody; b++) {
    const double *e = ext + 6 * b;
    if (e[0] != 0 || e[1] != 0 || e[2] != 0 || e[3] != 0 || e[4] != 0 || e[5] != 0)
      add_body_tau(w, d, b, e, e + 3, tau);
  }
}

/* ---------------------------------------------------------------- one contributor */

/* λ = Λ(β − W τ), ẍ = M⁻¹ τ + Σ λ_r W_r (free coordinates). beta may be NULL (zero). */
static void solve_full(hl_induced *w, const double *tau, const double *beta, double *lam,
                       double *x) {
  int nf = w->nf, mr = w->nrow;
  double wt[HL__IND_MAXROW];
  for (int r = 0; r < mr; r++) {
    const double *Wr = w->W + (size_t)r * nf;
    double v = 0;
    for (int f = 0; f < nf; f++) v += Wr[f] * tau[f];
    wt[r] = (beta ? beta[r] : 0) - v;
  }
  for (int r = 0; r < mr; r++) {
    double v = 0;
    for (int c = 0; c < mr; c++) v += w->Lam[r * mr + c] * wt[c];
    lam[r] = v;
  }
  memcpy(x, tau, sizeof(double) * (size_t)nf);
  hl__ind_msolve(w, x);
  for (int r = 0; r < mr; r++) {
    const double *Wr = w->W + (size_t)r * nf;
    for (int f = 0; f < nf; f++) x[f] += lam[r] * Wr[f];
  }
}

/* Body accelerations J ẍ (+ the velocity terms when velocity) into w->dw, w->a. */
static void body_acc(hl_induced *w, const hl_model *m, const hl_data *d, const double *x,
                     int velocity) {
  const hl__kin_data *kd = hl__kin_c(d);
  int nq = w->nq;
  memset(w->dw, 0, sizeof(double) * 3 * (size_t)w->nb);
  memset(w->a, 0, sizeof(double) * 3 * (size_t)w->nb);
  for (int b = 1; b < m->nbody; b++) {
    const double *J = d->body_J + (size_t)6 * nq * b;
    const int *cols = kd->body_cols + kd->body_cols_adr[b];
    double acc[6] = {0, 0, 0, 0, 0, 0};
    if (velocity)
      for (int i = 0; i < 3; i++) {
        acc[i] = kd->body_dw0[3 * b + i];
        acc[3 + i] = kd->body_a0[3 * b + i];
      }
    for (int i = 0; i < kd->body_cols_num[b]; i++) {
      int c = cols[i], f = w->free_of[c];
      if (f < 0) continue;
      for (int r = 0; r < 6; r++) acc[r] += J[r * nq + c] * x[f];
    }
    memcpy(w->dw + 3 * b, acc, 3 * sizeof(double));
    memcpy(w->a + 3 * b, acc + 3, 3 * sizeof(double));
  }
}

/* Contributor k's ground reaction per foot from its multipliers. */
static void store_grf(hl_induced *w, int k) {
  const double *lam = w->lam + (size_t)k * HL__IND_MAXROW;
  double *g = w->grf + (size_t)k * HL_INDUCED_MAX_FEET * 6;
  memset(g, 0, sizeof(double) * 6 * (size_t)w->nfoot);
  for (int r = 0; r < w->nrow; r++) {
    const hl__ind_row *row = &w->row[r];
    double *v = g + 6 * row->foot + (row->trans ? 0 : 3);
    for (int i = 0; i < 3; i++) v[i] += lam[r] * row->dir[i];
  }
}

/* A contributor solved in full: its joint reactions by the joint-reaction pass on its body
 * accelerations (w->dw, w->a), the velocities when velocity, its weight when gravity and the
 * loads ext (its own external loads plus its contact loads); its COM acceleration. */
static void pass_contrib(hl_induced *w, const hl_model *m, const hl_data *d, int k, int velocity,
                         int gravity, const double *ext) {
  hl__jr_loads L = {w->dw, w->a, velocity ? d->body_w : NULL, gravity, ext, NULL, NULL};
  for (int j = 0; j < w->nj; j++) {
    double inter[6], mus[6], act[6], *o = w->jr + ((size_t)k * w->nj + j) * 6;
    hl__jr_pass(m, d, &w->site[j], &L, inter, mus, act, NULL, NULL);
    hl__jr_express(d, &w->site[j], inter, inter + 3, o, o + 3);
  }
  double acc[3] = {0, 0, 0};
  for (int b = 1; b < m->nbody; b++) {
    const double *R = d->body_R + 9 * b, *c = m->body_com + 3 * b, *al = w->dw + 3 * b;
    double r[3], t[3], ac[3];
    for (int i = 0; i < 3; i++) r[i] = R[3 * i] * c[0] + R[3 * i + 1] * c[1] + R[3 * i + 2] * c[2];
    t[0] = al[1] * r[2] - al[2] * r[1];
    t[1] = al[2] * r[0] - al[0] * r[2];
    t[2] = al[0] * r[1] - al[1] * r[0];
    for (int i = 0; i < 3; i++) ac[i] = w->a[3 * b + i] + t[i];
    if (velocity) {
      const double *om = d->body_w + 3 * b;
      double u[3] = {om[1] * r[2] - om[2] * r[1], om[2] * r[0] - om[0] * r[2], om[0] * r[1] - om[1] * r[0]};
      ac[0] += om[1] * u[2] - om[2] * u[1];
      ac[1] += om[2] * u[0] - om[0] * u[2];
      ac[2] += om[0] * u[1] - om[1] * u[0];
    }
    for (int i = 0; i < 3; i++) acc[i] += m->body_mass[b] * ac[i];
  }
  for (int i = 0; i < 3; i++) w->com[(size_t)k * 3 + i] = acc[i] / w->mass;
  store_grf(w, k);
}

/* Solve contributor k in full (special index s into xs) with generalized force tau, right-hand
 * side beta (may be NULL) and own external loads own_ext (may be NULL), then its pass. */
static void special(hl_induced *w, const hl_model *m, const hl_data *d, int k, int s,
                    const double *tau, const double *beta, const double *own_ext, int velocity,
                    int gravity) {
  double *lam = w->lam + (size_t)k * HL__IND_MAXROW, *x = w->xs + (size_t)s * w->nf;
  solve_full(w, tau, beta, lam, x);
  body_acc(w, m, d, x, velocity);
  if (own_ext) memcpy(w->ext, own_ext, sizeof(double) * 6 * (size_t)w->nb);
  else memset(w->ext, 0, sizeof(double) * 6 * (size_t)w->nb);
  hl__ind_add_contact(w, d, lam, w->ext);
  pass_contrib(w, m, d, k, velocity, gravity, w->ext);
}

/* A contributor through the influence matrix: generalized force tau (free, sparse: only the
 * listed free indices idx[0..n) are nonzero) plus its direct part (already in jr_direct). */
static void through_h(hl_induced *w, int k, const int *idx, const double *val, int n) {
  int no = w->no, nj6 = 6 * w->nj;
  double *y = w->y, *lam = w->lam + (size_t)k * HL__IND_MAXROW;
  memset(y, 0, sizeof(double) * (size_t)no);
  for (int r = 0; r < w->nrow; r++) lam[r] = 0;
  for (int s = 0; s < n; s++) {
    const double *h = w->Ht + (size_t)idx[s] * no, *g = w->Gt + (size_t)idx[s] * HL__IND_MAXROW;
    double v = val[s];
    for (int i = 0; i < no; i++) y[i] += h[i] * v;
    for (int r = 0; r < w->nrow; r++) lam[r] -= g[r] * v;
  }
  double *o = w->jr + (size_t)k * nj6, *dr = w->jr_direct + (size_t)k * nj6;
  for (int i = 0; i < nj6; i++) o[i] = y[i] + dr[i];
  for (int i = 0; i < 3; i++) w->com[(size_t)k * 3 + i] = y[nj6 + i];
  store_grf(w, k);
}

/* ---------------------------------------------------------------- the frame */

/* Each muscle's and point/torque actuator's own part across every joint (jr_direct), from one
 * pass per joint; with the total's loads (total) that pass is the JointReaction output itself
 * and gives jr_total. */
static void direct_parts(hl_induced *w, const hl_model *m, const hl_data *d,
                         const hl_induced_input *in) {
  size_t nj6 = 6 * (size_t)w->nj;
  memset(w->jr_direct, 0, sizeof(double) * (size_t)w->K * nj6);
  memset(w->jr_total, 0, sizeof(double) * nj6);
  if (!in->total) {
    memset(w->dw, 0, sizeof(double) * 3 * (size_t)w->nb);
    memset(w->a, 0, sizeof(double) * 3 * (size_t)w->nb);
  }
  hl__jr_loads L = {w->dw, w->a, NULL, 0, NULL, in->mus_force, in->act_force};
  if (in->total) {
    L.dw = d->body_dw;
    L.a = d->body_a;
    L.w = d->body_w;
    L.gravity = 1;
    L.ext = in->ext;
  }
  for (int j = 0; j < w->nj; j++) {
    const hl__jr_site *s = &w->site[j];
    double inter[6], mus[6], act[6], F[3], M[3];
    hl__jr_pass(m, d, s, &L, inter, mus, act, w->mc, w->ac);
    if (in->total) {
      for (int i = 0; i < 3; i++) {
        F[i] = inter[i] + mus[i] + act[i];
        M[i] = inter[3 + i] + mus[3 + i] + act[3 + i];
      }
      hl__jr_express(d, s, F, M, w->jr_total + 6 * j, w->jr_total + 6 * j + 3);
    }
    for (int k = 0; k < w->nm + w->na; k++) {
      const double *v = k < w->nm ? w->mc + 6 * k : w->ac + 6 * (k - w->nm);
      if (v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] == 0 && v[4] == 0 && v[5] == 0) continue;
      double *o = w->jr_direct + (size_t)k * nj6 + 6 * j;
      hl__jr_express(d, s, v, v + 3, o, o + 3);
    }
  }
}

/* Muscles, non-muscle actuators and CoordinateLimitForces through the influence matrix. */
static void actuators(hl_induced *w, const hl_model *m, const hl_data *d,
                      const hl_induced_input *in) {
  const hl__kin_data *kd = hl__kin_c(d);
  int nq = w->nq, *idx = w->iscr, n;
  double *val = w->tau;
  for (int k = 0; k < w->nm; k++) {
    const int *cols = kd->mus_cols + kd->mus_cols_adr[k];
    double F = in->mus_force ? in->mus_force[k] : 0;
    w->fk[k] = F;
    n = 0;
    for (int s = 0; s < kd->mus_cols_num[k]; s++) {
      int c = cols[s], f = w->free_of[c];
      double v = d->mus_ma[(size_t)k * nq + c] * F;
      if (f < 0 || v == 0) continue;
      idx[n] = f;
      val[n++] = v;
    }
    through_h(w, k, idx, val, n);
  }
  for (int a = 0; a < w->na; a++) {
    double F = in->act_force ? in->act_force[a] : 0;
    w->fk[w->nm + a] = F;
    n = 0;
    if (F != 0) {
      hl__force_actuator_column(m, d, a, NULL, 0, w->J3, w->tq);
      for (int f = 0; f < w->nf; f++) {
        double v = w->tq[w->free_idx[f]] * F;
        if (v == 0) continue;
        idx[n] = f;
        val[n++] = v;
      }
    }
    through_h(w, w->nm + a, idx, val, n);
  }
  for (int i = 0; i < w->nl; i++) {
    int c = m->lim_coord[i], f = c >= 0 ? w->free_of[c] : -1;
    w->acc_pas[i] = hl_force_limit(m, i, d->q, d->qd, NULL);
    n = 0;
    if (f >= 0 && w->acc_pas[i] != 0) {
      idx[n] = f;
      val[n++] = w->acc_pas[i];
    }
    through_h(w, w->k_pas + i, idx, val, n);
  }
}

/* Σ of the real contributors' generalized forces (muscles, actuators, gravity, velocity,
 * CoordinateLimitForces) on the free coordinates, into tau. */
static void applied_tau(hl_induced *w, const hl_model *m, const hl_data *d,
                        const hl_induced_input *in, double *tau) {
  memset(w->tq, 0, sizeof(double) * (size_t)w->nq);
  hl_force_generalized(m, w->J3, d, in->mus_force, in->act_force, w->tq);
  hl_force_passive(m, d->q, d->qd, w->tq);
  for (int f = 0; f < w->nf; f++) tau[f] = w->tq[w->free_idx[f]] + w->tau_g[f] + w->tau_v[f];
}

void hl__ind_total(hl_induced *w, const hl_model *m, const hl_data *d, const hl_induced_input *in,
                   double *lam, double *x) {
  double beta[HL__IND_MAXROW];
  applied_tau(w, m, d, in, w->tau2);
  for (int r = 0; r < w->nrow; r++) beta[r] = -w->bias[r];
  solve_full(w, w->tau2, beta, lam, x);
}

/* OpenSim's total mode: solve the total on the full rows, drop rows, rebuild. */
static void unilateral(hl_induced *w, const hl_model *m, const hl_data *d,
                       const hl_induced_input *in) {
  double beta[HL__IND_MAXROW], lam[HL__IND_MAXROW];
  applied_tau(w, m, d, in, w->tau2);
  for (int r = 0; r < w->nrow; r++) beta[r] = -w->bias[r];
  solve_full(w, w->tau2, beta, lam, w->x);
  if (hl__ind_unilateral(w, lam)) {
    hl__ind_contact_rows(w, m, d, in->foot, in->nfoot);
    hl__ind_factor_rows(w);
  }
}

/* y = M x (free indices) from the lower triangle in w->Mf. */
static void mass_times(const hl_induced *w, const double *x, double *y) {
  int nf = w->nf;
  for (int f = 0; f < nf; f++) y[f] = 0;
  for (int f = 0; f < nf; f++) {
    const double *Mr = w->Mf + (size_t)f * nf;
    y[f] += Mr[f] * x[f];
    if (w->tree) {
      for (int g = w->par[f]; g >= 0; g = w->par[g]) {
        y[f] += Mr[g] * x[g];
        y[g] += Mr[g] * x[f];
      }
    } else {
      for (int g = 0; g < f; g++) {
        y[f] += Mr[g] * x[g];
        y[g] += Mr[g] * x[f];
      }
    }
  }
}

/* The bookkeeping terms: contact mismatch, dynamic residual, unmodelled ground reaction. */
static void bookkeeping(hl_induced *w, const hl_model *m, const hl_data *d,
                        const hl_induced_input *in) {
  int nf = w->nf;
  double beta[HL__IND_MAXROW];
  /* contact mismatch: β = C q̈* + Ċu */
  for (int r = 0; r < w->nrow; r++) {
    const double *Cr = w->C + (size_t)r * nf;
    double v = w->bias[r];
    for (int f = 0; f < nf; f++) v += Cr[f] * d->qdd[w->free_idx[f]];
    beta[r] = v;
  }
  memset(w->tau, 0, sizeof(double) * (size_t)nf);
  special(w, m, d, w->k_mis, 2, w->tau, beta, NULL, 0, 0);
  /* unmodelled: the measured loads minus what the rows carry */
  hl__ind_representable(w, d, in->foot, w->ext_rep);
  for (int i = 0; i < 6 * w->nb; i++) w->ext_rep[i] = (in->ext ? in->ext[i] : 0) - w->ext_rep[i];
  memset(w->tau, 0, sizeof(double) * (size_t)nf);
  ext_tau(w, m, d, w->ext_rep, w->tau);
  special(w, m, d, w->k_unm, 3, w->tau, NULL, w->ext_rep, 0, 0);
  /* dynamic residual: M q̈* − (applied + measured external) */
  applied_tau(w, m, d, in, w->tau2);
  if (in->ext) ext_tau(w, m, d, in->ext, w->tau2);
  for (int f = 0; f < nf; f++) w->x[f] = d->qdd[w->free_idx[f]];
  mass_times(w, w->x, w->tau_res);
  for (int f = 0; f < nf; f++) {
    w->tau_res[f] -= w->tau2[f];
    w->iscr[f] = f;
  }
  through_h(w, w->k_res, w->iscr, w->tau_res, nf);
}

static hl_status check_finite(const hl_induced *w, const hl_model *m, hl_error *err) {
  size_t nj6 = 6 * (size_t)w->nj;
  for (int k = 0; k < w->K; k++) {
    int ok = 1;
    for (size_t i = 0; i < nj6; i++) ok &= isfinite(w->jr[k * nj6 + i]);
    for (int i = 0; i < 6 * w->nfoot; i++) ok &= isfinite(w->grf[(size_t)k * 6 * HL_INDUCED_MAX_FEET + i]);
    for (int i = 0; i < 3; i++) ok &= isfinite(w->com[(size_t)k * 3 + i]);
    if (!ok)
      return hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0,
                          "induced contributions: the result of '%s' is not finite",
                          hl_induced_name(m, w, k));
  }
  return HL_OK;
}

static hl_status check_args(const hl_induced *w, const hl_model *m, const hl_data *d,
                            const hl_induced_input *in, hl_error *err) {
  if (!w || !m || !d || !in)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_induced_frame: NULL argument");
  const hl__kin_data *kd = hl__kin_c(d);
  if (w->nq != m->ncoord || w->nb != m->nbody || w->nm != m->nmuscle || w->na != m->nactuator ||
      w->nl != m->nlimit || d->nq != m->ncoord || kd->nbody != m->nbody)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                        "hl_induced_frame: workspace made for another model");
  if (!kd->has_state || !kd->has_qd)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                        "hl_induced_frame: the kinematics need q and the speeds (hl_kin_update with qd)");
  if (in->nfoot < 0 || in->nfoot > HL_INDUCED_MAX_FEET || (in->nfoot > 0 && !in->foot))
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                        "hl_induced_frame: %d feet (at most %d)", in->nfoot, HL_INDUCED_MAX_FEET);
  for (int f = 0; f < in->nfoot; f++)
    if (in->foot[f].body <= 0 || in->foot[f].body >= m->nbody)
      return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                          "hl_induced_frame: foot %d acts on body %d, not a body of the model", f,
                          in->foot[f].body);
  return HL_OK;
}

hl_status hl_induced_frame(const hl_model *m, hl_induced *w, const hl_data *d,
                           const hl_induced_input *in, hl_induced_result *res, hl_error *err) {
  hl_status st = check_args(w, m, d, in, err);
  if (st) return st;
  int nf = w->nf;
  for (int j = 0; j < w->nj; j++)
    hl__jr_site_set(m, d, w->joint[j].joint, w->joint[j].on_parent, w->joint[j].frame,
                    w->in_sub + (size_t)j * w->nb, &w->site[j]);
  if (w->tree) {
    hl__ind_crba(w, m, d);
  } else {
    hl__mass_matrix(m, d, w->Mq, w->mscr);
    for (int f = 0; f < nf; f++)
      for (int g = 0; g <= f; g++) w->Mf[(size_t)f * nf + g] = w->Mq[(size_t)w->free_idx[f] * w->nq + w->free_idx[g]];
  }
  memcpy(w->L, w->Mf, sizeof(double) * (size_t)nf * nf);
  memset(w->tau_g, 0, sizeof(double) * (size_t)nf);
  memset(w->tau_v, 0, sizeof(double) * (size_t)nf);
  body_tau(w, m, d, 0, w->tau_g);
  body_tau(w, m, d, 1, w->tau_v);
  if (!hl__ind_mfactor(w))
    return hl_error_set(err, HL_ERR_SINGULAR, NULL, 0,
                        "induced contributions: the mass matrix is not positive definite");
  for (int f = 0; f < HL_INDUCED_MAX_FEET; f++) {
    w->foot_flags[f] = 0;
    w->foot_nodrop[f] = 3;
  }
  hl__ind_contact_rows(w, m, d, in->foot, in->nfoot);
  hl__ind_factor_rows(w);
  if (w->set.opensim_unilateral && w->nrow > 0) unilateral(w, m, d, in);
  hl__ind_influence(w, m, d);
  direct_parts(w, m, d, in);
  actuators(w, m, d, in);
  /* gravity and velocity, solved in full */
  special(w, m, d, w->k_grav, 0, w->tau_g, NULL, NULL, 0, 1);
  double beta[HL__IND_MAXROW];
  for (int r = 0; r < w->nrow; r++) beta[r] = -w->bias[r];
  special(w, m, d, w->k_vel, 1, w->tau_v, beta, NULL, 1, 0);
  if (in->total) {
    bookkeeping(w, m, d, in);
  } else {
    for (int k = w->k_mis; k < w->K; k++) {
      memset(w->jr + (size_t)k * 6 * w->nj, 0, sizeof(double) * 6 * (size_t)w->nj);
      memset(w->grf + (size_t)k * 6 * HL_INDUCED_MAX_FEET, 0, sizeof(double) * 6 * HL_INDUCED_MAX_FEET);
      memset(w->com + (size_t)k * 3, 0, 3 * sizeof(double));
      memset(w->lam + (size_t)k * HL__IND_MAXROW, 0, sizeof(double) * HL__IND_MAXROW);
    }
    memset(w->xs + 2 * (size_t)nf, 0, sizeof(double) * 2 * (size_t)nf);
    memset(w->tau_res, 0, sizeof(double) * (size_t)nf);
  }
  st = check_finite(w, m, err);
  if (res) {
    res->ncontrib = w->K;
    res->njoint = w->nj;
    res->nfoot = in->nfoot;
    res->nrow = w->nrow;
    res->rank = w->rank;
    res->rank_deficient = w->rank_deficient;
    res->min_pivot = w->min_pivot;
    for (int f = 0; f < HL_INDUCED_MAX_FEET; f++) res->foot_flags[f] = w->foot_flags[f];
    res->jr = w->jr;
    res->jr_direct = w->jr_direct;
    res->grf = w->grf;
    res->com_acc = w->com;
    res->jr_total = w->jr_total;
  }
  return st;
}

hl_status hl_induced_qdd(const hl_model *m, hl_induced *w, const hl_data *d, int k, double *qdd,
                         hl_error *err) {
  if (!w || !m || !d || !qdd || k < 0 || k >= w->K)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_induced_qdd: %s",
                        !w || !m || !d || !qdd ? "NULL argument" : "contributor out of range");
  int nf = w->nf, idx;
  hl_induced_kind kind = hl_induced_kind_of(w, k, &idx);
  double *x = w->x;
  const double *lam = w->lam + (size_t)k * HL__IND_MAXROW;
  int s = kind == HL_IC_GRAVITY ? 0 : kind == HL_IC_VELOCITY ? 1 : kind == HL_IC_MISMATCH ? 2
        : kind == HL_IC_UNMODELLED ? 3 : -1;
  if (s >= 0) {
    memcpy(x, w->xs + (size_t)s * nf, sizeof(double) * (size_t)nf);
  } else {
    /* ẍ = M⁻¹ (τ + Cᵀ λ) = M⁻¹ τ + Σ λ_r W_r, with τ formed again */
    memset(x, 0, sizeof(double) * (size_t)nf);
    if (kind == HL_IC_RESIDUAL) {
      memcpy(x, w->tau_res, sizeof(double) * (size_t)nf);
    } else if (kind == HL_IC_PASSIVE) {
      int c = m->lim_coord[idx];
      if (c >= 0 && w->free_of[c] >= 0) x[w->free_of[c]] = w->acc_pas[idx];
    } else {
      double F = w->fk[k];
      if (kind == HL_IC_MUSCLE) {
        const double *ma = d->mus_ma + (size_t)idx * w->nq;
        for (int f = 0; f < nf; f++) x[f] = ma[w->free_idx[f]] * F;
      } else if (F != 0) {
        hl__force_actuator_column(m, d, idx, NULL, 0, w->J3, w->tq);
        for (int f = 0; f < nf; f++) x[f] = w->tq[w->free_idx[f]] * F;
      }
    }
    hl__ind_msolve(w, x);
    for (int r = 0; r < w->nrow; r++) {
      const double *Wr = w->W + (size_t)r * nf;
      for (int f = 0; f < nf; f++) x[f] += lam[r] * Wr[f];
    }
  }
  memset(qdd, 0, sizeof(double) * (size_t)w->nq);
  for (int f = 0; f < nf; f++) qdd[w->free_idx[f]] = x[f];
  return HL_OK;
}
