/* SPDX-License-Identifier: Apache-2.0 */
/* Joint reaction loads and muscle contributions: see include/hipload/jr.h. */
#include "hipload/jr.h"
#include "hipload/muscle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/coupler.h"
#include "hipload/invdyn.h"
#include "hipload/force.h"
#include "jr_internal.h"
#include "kin_internal.h"

struct hl_jr {
  int nq, nb;
  hl_invdyn *id;
  double *M, *Mr, *h, *tau, *rhs, *J3, *Jc, *qdd0; /* J3: hl_force_generalized's scratch */
  int *free_idx;
  int nfree;
  char *in_sub; /* nbody flags */
};

void hl_jr_free(hl_jr *jr) {
  if (!jr) return;
  hl_invdyn_free(jr->id);
  free(jr->M);
  free(jr->Mr);
  free(jr->h);
  free(jr->tau);
  free(jr->rhs);
  free(jr->J3);
  free(jr->Jc);
  free(jr->qdd0);
  free(jr->free_idx);
  free(jr->in_sub);
  free(jr);
}

hl_status hl_jr_create(const hl_model *m, hl_jr **out, hl_error *err) {
  if (!m || !out) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_jr_create: NULL argument");
  *out = NULL;
  hl_jr *jr = calloc(1, sizeof *jr);
  if (!jr) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  int nq = m->ncoord, nb = m->nbody;
  size_t q1 = (size_t)(nq > 0 ? nq : 1);
  jr->nq = nq;
  jr->nb = nb;
  hl_invdyn_create(m, &jr->id, NULL);
  jr->M = calloc(q1 * q1, sizeof(double));
  jr->Mr = calloc(q1 * q1, sizeof(double));
  jr->h = calloc(q1, sizeof(double));
  jr->tau = calloc(q1, sizeof(double));
  jr->rhs = calloc(q1, sizeof(double));
  jr->J3 = calloc(hl_force_scratch_size(m), sizeof(double));
  jr->Jc = calloc(9 * q1, sizeof(double)); /* 9 per coordinate (hl__mass_matrix) */
  jr->qdd0 = calloc(q1, sizeof(double));
  jr->free_idx = calloc(q1, sizeof(int));
  jr->in_sub = calloc((size_t)(nb > 0 ? nb : 1), 1);
  if (!jr->id || !jr->M || !jr->Mr || !jr->h || !jr->tau || !jr->rhs || !jr->J3 ||
      !jr->Jc || !jr->qdd0 || !jr->free_idx || !jr->in_sub) {
    hl_jr_free(jr);
    return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory (joint reaction)");
  }
  for (int i = 0; i < nq; i++) /* a coupler's dependent coordinate follows its independent one */
    if (!m->coord_locked[i] && !(m->coord_coupler && m->coord_coupler[i] >= 0))
      jr->free_idx[jr->nfree++] = i;
  *out = jr;
  return HL_OK;
}

/* M(q) = Σ_b m_b Jcᵀ Jc + Jωᵀ I_G Jω, with Jc the COM Jacobian. Body b's Jacobian is nonzero only
 * in the columns of the coordinates that move it (kin_internal.h body_cols), so each body adds a
 * small dense block; the lower triangle is summed, then mirrored. */
void hl__mass_matrix(const hl_model *m, const hl_data *d, double *M, double *scratch) {
  int nq = m->ncoord;
  const hl__kin_data *kd = hl__kin_c(d);
  memset(M, 0, sizeof(double) * (size_t)nq * nq);
  for (int b = 1; b < m->nbody; b++) {
    const double *R = d->body_R + 9 * b, *J = d->body_J + (size_t)6 * nq * b;
    const double *c = m->body_com + 3 * b, *Ib = m->body_inertia + 9 * b;
    const int *cols = kd->body_cols + kd->body_cols_adr[b], nc = kd->body_cols_num[b];
    double mass = m->body_mass[b];
    double r[3];
    for (int i = 0; i < 3; i++) r[i] = R[3 * i] * c[0] + R[3 * i + 1] * c[1] + R[3 * i + 2] * c[2];
    double IG[9], T[9];
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) T[3 * i + j] = R[3 * i] * Ib[j] + R[3 * i + 1] * Ib[3 + j] + R[3 * i + 2] * Ib[6 + j];
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) IG[3 * i + j] = T[3 * i] * R[3 * j] + T[3 * i + 1] * R[3 * j + 1] + T[3 * i + 2] * R[3 * j + 2];
    /* per column: ω part (3), COM velocity Jc = Jv − r × Jω (3), I_G Jω (3), packed in scratch */
    double *P = scratch; /* 9 per listed column */
    for (int a = 0; a < nc; a++) {
      int k = cols[a];
      double w0 = J[k], w1 = J[nq + k], w2 = J[2 * nq + k], *pk = P + 9 * a;
      pk[0] = w0;
      pk[1] = w1;
      pk[2] = w2;
      pk[3] = J[3 * nq + k] - (r[1] * w2 - r[2] * w1);
      pk[4] = J[4 * nq + k] - (r[2] * w0 - r[0] * w2);
      pk[5] = J[5 * nq + k] - (r[0] * w1 - r[1] * w0);
      for (int i = 0; i < 3; i++) pk[6 + i] = IG[3 * i] * w0 + IG[3 * i + 1] * w1 + IG[3 * i + 2] * w2;
    }
    for (int a = 0; a < nc; a++) {
      const double *pk = P + 9 * a;
      double *Mk = M + (size_t)cols[a] * nq;
      for (int e = 0; e <= a; e++) {
        const double *pl = P + 9 * e;
        Mk[cols[e]] += mass * (pk[3] * pl[3] + pk[4] * pl[4] + pk[5] * pl[5]) +
                       pk[6] * pl[0] + pk[7] * pl[1] + pk[8] * pl[2];
      }
    }
  }
  for (int k = 0; k < nq; k++)
    for (int l = k + 1; l < nq; l++) M[(size_t)k * nq + l] = M[(size_t)l * nq + k];
}

/* Solve S y = r in place for the symmetric positive definite n×n S (row-major, lower triangle
 * used, overwritten by its Cholesky factor). Returns 0 when S is not positive definite. */
static int spd_solve(double *S, int n, double *y) {
  for (int j = 0; j < n; j++) {
    double *rj = S + (size_t)j * n;
    double dj = rj[j];
    for (int k = 0; k < j; k++) dj -= rj[k] * rj[k];
    if (!(dj > 0.0)) return 0;
    dj = sqrt(dj);
    rj[j] = dj;
    for (int i = j + 1; i < n; i++) {
      double *ri = S + (size_t)i * n, v = ri[j];
      for (int k = 0; k < j; k++) v -= ri[k] * rj[k];
      ri[j] = v / dj;
    }
  }
  for (int i = 0; i < n; i++) {
    const double *ri = S + (size_t)i * n;
    double v = y[i];
    for (int k = 0; k < i; k++) v -= ri[k] * y[k];
    y[i] = v / ri[i];
  }
  for (int i = n - 1; i >= 0; i--) {
    double v = y[i];
    for (int k = i + 1; k < n; k++) v -= S[(size_t)k * n + i] * y[k];
    y[i] = v / S[(size_t)i * n + i];
  }
  return 1;
}

hl_status hl_jr_forward_accel(const hl_model *m, hl_jr *jr, hl_data *d, const double *ext,
                              const double *mus_force, const double *act_force, double *qdd,
                              hl_error *err) {
  if (!jr || !m || !d || !qdd) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_jr_forward_accel: NULL argument");
  int nq = jr->nq, nf = jr->nfree;
  /* h = ID with zero acceleration (gravity, velocity products, external loads). Same q and q̇:
   * the kinematics only redo the q̈ part. */
  memset(jr->qdd0, 0, sizeof(double) * (size_t)nq);
  /* with couplers, q̈_dep = f'' q̇_ind² at q̈_ind = 0: h then holds its inertial part too */
  if (m->ncoupler > 0) hl_coupler_accel(m, d->q, d->qd, jr->qdd0);
  hl_status st = hl_kin_update(m, d, d->q, d->qd, jr->qdd0, err);
  if (st) return hl_error_set(err, st, NULL, 0, "kinematics failed in forward dynamics");
  st = hl_invdyn_frame(m, jr->id, d, ext, jr->h, NULL, NULL, err);
  if (st) return st;
  memset(jr->tau, 0, sizeof(double) * (size_t)nq);
  hl__mass_matrix(m, d, jr->M, jr->Jc);
  if (m->ncoupler > 0) { /* on the independent coordinates: Cᵀ(τ − h) and Cᵀ M C */
    hl_force_passive(m, d->q, d->qd, jr->tau);
    for (int i = 0; i < nq; i++) jr->tau[i] -= jr->h[i];
    hl_coupler_fold(m, d->q, jr->tau);
    hl_coupler_fold_matrix(m, d->q, jr->M);
    memset(jr->h, 0, sizeof(double) * (size_t)nq);
    hl_force_generalized(m, jr->J3, d, mus_force, act_force, jr->tau); /* folded */
  } else {
    hl_force_generalized(m, jr->J3, d, mus_force, act_force, jr->tau);
    hl_force_passive(m, d->q, d->qd, jr->tau);
  }
  for (int a = 0; a < nf; a++) {
    int i = jr->free_idx[a];
    jr->rhs[a] = jr->tau[i] - jr->h[i];
    for (int b = 0; b <= a; b++) jr->Mr[(size_t)a * nf + b] = jr->M[(size_t)i * nq + jr->free_idx[b]];
  }
  if (!spd_solve(jr->Mr, nf, jr->rhs))
    return hl_error_set(err, HL_ERR_SINGULAR, NULL, 0, "mass matrix is not positive definite");
  memcpy(qdd, jr->qdd0, sizeof(double) * (size_t)nq);
  for (int a = 0; a < nf; a++) qdd[jr->free_idx[a]] = jr->rhs[a];
  if (m->ncoupler > 0) hl_coupler_accel(m, d->q, d->qd, qdd);
  /* d is left at the accelerations returned (the ones hl_jr_compute needs next), not at q̈ = 0:
   * same q and q̇, so only the q̈ part is redone */
  st = hl_kin_update(m, d, d->q, d->qd, qdd, err);
  if (st) return hl_error_set(err, st, NULL, 0, "kinematics failed at the forward-dynamics accelerations");
  return HL_OK;
}

int hl_muscle_crosses(const hl_model *m, const hl_data *d, int i, int joint) {
  int root = m->jnt_child[joint];
  int adr = d->mus_apt_adr[i], n = d->mus_npt[i];
  for (int k = 0; k + 1 < n; k++) {
    int a = hl_model_in_subtree(m, d->apt_body[adr + k], root);
    int b = hl_model_in_subtree(m, d->apt_body[adr + k + 1], root);
    if (a != b) return 1;
  }
  return 0;
}

static void cross3(const double a[3], const double b[3], double out[3]) {
  out[0] = a[1] * b[2] - a[2] * b[1];
  out[1] = a[2] * b[0] - a[0] * b[2];
  out[2] = a[0] * b[1] - a[1] * b[0];
}

/* v_F = R_GFᵀ v_G for body frame f (ground when f == 0). */
static void to_frame(const hl_data *d, int f, const double v[3], double out[3]) {
  if (f <= 0) {
    memcpy(out, v, 3 * sizeof(double));
    return;
  }
  const double *R = d->body_R + 9 * f;
  double t[3];
  for (int i = 0; i < 3; i++) t[i] = R[i] * v[0] + R[3 + i] * v[1] + R[6 + i] * v[2];
  memcpy(out, t, sizeof t);
}

void hl__jr_site_set(const hl_model *m, const hl_data *d, int joint, int on_parent, int frame,
                     char *in_sub, hl__jr_site *s) {
  int root = m->jnt_child[joint];
  for (int b = 0; b < m->nbody; b++) in_sub[b] = (char)hl_model_in_subtree(m, b, root);
  s->joint = joint;
  s->on_parent = on_parent;
  s->frame = frame;
  s->in_sub = in_sub;
  hl_kin_point(m, d, root, m->jnt_child_p + 3 * joint, s->o);
  hl_kin_point(m, d, m->jnt_parent[joint], m->jnt_parent_p + 3 * joint, s->pp);
  for (int i = 0; i < 3; i++) s->op[i] = s->o[i] - s->pp[i];
}

void hl__jr_body_load(const hl_model *m, const hl_data *d, int b, const double o[3],
                      const double dw[3], const double a[3], const double *w, int gravity,
                      double F[3], double M[3]) {
  const double *R = d->body_R + 9 * b, *p = d->body_p + 3 * b;
  const double *c = m->body_com + 3 * b, *Ib = m->body_inertia + 9 * b;
  double mass = m->body_mass[b], r[3], cg[3], ac[3], t[3], u[3];
  for (int i = 0; i < 3; i++) r[i] = R[3 * i] * c[0] + R[3 * i + 1] * c[1] + R[3 * i + 2] * c[2];
  for (int i = 0; i < 3; i++) cg[i] = p[i] + r[i];
  /* COM acceleration a + α × r + ω × (ω × r) (the operations of hl_kin_point_acc) */
  double t1[3], t2[3], t3[3];
  cross3(dw, r, t3);
  if (w) {
    cross3(w, r, t1);
    cross3(w, t1, t2);
    for (int i = 0; i < 3; i++) ac[i] = a[i] + t3[i] + t2[i];
  } else {
    for (int i = 0; i < 3; i++) ac[i] = a[i] + t3[i];
  }
  for (int i = 0; i < 3; i++) F[i] = gravity ? mass * (ac[i] - m->gravity[i]) : mass * ac[i];
  /* Euler: I_G α + ω × I_G ω, computed in body axes then rotated */
  double ab[3], Ia[3], Mb[3], Mg[3];
  for (int i = 0; i < 3; i++) ab[i] = R[i] * dw[0] + R[3 + i] * dw[1] + R[6 + i] * dw[2];
  for (int i = 0; i < 3; i++) Ia[i] = Ib[3 * i] * ab[0] + Ib[3 * i + 1] * ab[1] + Ib[3 * i + 2] * ab[2];
  if (w) {
    double wb[3], Iw[3], gyro[3];
    for (int i = 0; i < 3; i++) wb[i] = R[i] * w[0] + R[3 + i] * w[1] + R[6 + i] * w[2];
    for (int i = 0; i < 3; i++) Iw[i] = Ib[3 * i] * wb[0] + Ib[3 * i + 1] * wb[1] + Ib[3 * i + 2] * wb[2];
    cross3(wb, Iw, gyro);
    for (int i = 0; i < 3; i++) Mb[i] = Ia[i] + gyro[i];
  } else {
    for (int i = 0; i < 3; i++) Mb[i] = Ia[i];
  }
  for (int i = 0; i < 3; i++) Mg[i] = R[3 * i] * Mb[0] + R[3 * i + 1] * Mb[1] + R[3 * i + 2] * Mb[2];
  for (int i = 0; i < 3; i++) t[i] = cg[i] - o[i];
  cross3(t, F, u);
  for (int i = 0; i < 3; i++) M[i] = Mg[i] + u[i];
}

/* Muscles: tension along each segment that crosses into the subtree, at the inside point. The
 * muscles' part (minus the pull) goes to mus; each muscle's own to contrib (may be NULL). */
static void muscle_part(const hl_model *m, const hl_data *d, const hl__jr_site *s,
                        const double *mus_force, double mus[6], double *contrib) {
  double Fm[3] = {0, 0, 0}, Mm[3] = {0, 0, 0};
  for (int k = 0; k < m->nmuscle && (mus_force || contrib); k++) {
    double fk[3] = {0, 0, 0}, mk[3] = {0, 0, 0};
    double T = mus_force ? mus_force[k] : 0;
    int adr = d->mus_apt_adr[k], n = d->mus_npt[k];
    for (int i = 0; i + 1 < n; i++) {
      int a = s->in_sub[d->apt_body[adr + i]], b = s->in_sub[d->apt_body[adr + i + 1]];
      if (a == b) continue;
      const double *pin = d->apt_pos + 3 * (a ? adr + i : adr + i + 1);
      const double *pout = d->apt_pos + 3 * (a ? adr + i + 1 : adr + i);
      double u[3] = {pout[0] - pin[0], pout[1] - pin[1], pout[2] - pin[2]};
      double len = sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
      if (len <= 0) continue;
      double F[3] = {T * u[0] / len, T * u[1] / len, T * u[2] / len}, t[3], mm[3];
      for (int j = 0; j < 3; j++) t[j] = pin[j] - s->o[j];
      cross3(t, F, mm);
      for (int j = 0; j < 3; j++) {
        fk[j] += F[j];
        mk[j] += mm[j];
      }
    }
    for (int j = 0; j < 3; j++) {
      Fm[j] += fk[j];
      Mm[j] += mk[j];
    }
    if (contrib)
      for (int j = 0; j < 3; j++) {
        contrib[6 * k + j] = -fk[j];
        contrib[6 * k + 3 + j] = -mk[j];
      }
  }
  for (int j = 0; j < 3; j++) {
    mus[j] = -Fm[j];
    mus[3 + j] = -Mm[j];
  }
}

/* Point and torque actuators on the subtree (body loads, not mobility forces): minus their load
 * into act; each actuator's own into contrib (may be NULL; zero when it does not act across). */
static void actuator_part(const hl_model *m, const hl_data *d, const hl__jr_site *s,
                          const double *act_force, double act[6], double *contrib) {
  double Fa[3] = {0, 0, 0}, Ma[3] = {0, 0, 0};
  if (contrib) memset(contrib, 0, sizeof(double) * 6 * (size_t)m->nactuator);
  for (int a = 0; a < m->nactuator && act_force; a++) {
    double f = act_force[a], F[3] = {0, 0, 0}, mm[3] = {0, 0, 0};
    if (m->act_type[a] == HL_ACT_POINT) {
      int b = m->act_body[a];
      if (b < 0 || !s->in_sub[b]) continue;
      double pg[3], dir[3], t[3];
      hl_force_actuator_line(m, d, a, pg, dir);
      for (int i = 0; i < 3; i++) {
        F[i] = f * dir[i];
        t[i] = pg[i] - s->o[i];
      }
      cross3(t, F, mm);
    } else if (m->act_type[a] == HL_ACT_TORQUE) {
      int ba = m->act_body[a], bb = m->act_body_b[a];
      double sgn = (ba >= 0 && s->in_sub[ba] ? 1.0 : 0.0) - (bb >= 0 && s->in_sub[bb] ? 1.0 : 0.0);
      if (sgn == 0) continue;
      double pg[3], axis[3];
      hl_force_actuator_line(m, d, a, pg, axis);
      for (int i = 0; i < 3; i++) mm[i] = sgn * f * axis[i];
    } else {
      continue;
    }
    for (int i = 0; i < 3; i++) {
      Fa[i] += F[i];
      Ma[i] += mm[i];
      if (contrib) {
        contrib[6 * a + i] = -F[i];
        contrib[6 * a + 3 + i] = -mm[i];
      }
    }
  }
  for (int i = 0; i < 3; i++) {
    act[i] = -Fa[i];
    act[3 + i] = -Ma[i];
  }
}

void hl__jr_pass(const hl_model *m, const hl_data *d, const hl__jr_site *s, const hl__jr_loads *L,
                 double inter[6], double mus[6], double act[6], double *mus_contrib,
                 double *act_contrib) {
  /* Intersegmental load onto the child's subtree, about o, in ground. */
  double Fi[3] = {0, 0, 0}, Mi[3] = {0, 0, 0};
  for (int b = 1; b < m->nbody; b++) {
    if (!s->in_sub[b]) continue;
    double F[3], Mb[3], t[3], u[3];
    hl__jr_body_load(m, d, b, s->o, L->dw + 3 * b, L->a + 3 * b, L->w ? L->w + 3 * b : NULL,
                     L->gravity, F, Mb);
    for (int i = 0; i < 3; i++) {
      Fi[i] += F[i];
      Mi[i] += Mb[i];
    }
    if (L->ext) {
      const double *e = L->ext + 6 * b, *p = d->body_p + 3 * b;
      for (int i = 0; i < 3; i++) t[i] = p[i] - s->o[i];
      cross3(t, e, u);
      for (int i = 0; i < 3; i++) {
        Fi[i] -= e[i];
        Mi[i] -= e[3 + i] + u[i];
      }
    }
  }
  for (int i = 0; i < 3; i++) {
    inter[i] = Fi[i];
    inter[3 + i] = Mi[i];
  }
  muscle_part(m, d, s, L->mus_force, mus, mus_contrib);
  actuator_part(m, d, s, L->act_force, act, act_contrib);
}

void hl__jr_express(const hl_data *d, const hl__jr_site *s, const double f[3], const double mo[3],
                    double of[3], double om[3]) {
  double F[3], M[3];
  memcpy(F, f, sizeof F);
  memcpy(M, mo, sizeof M);
  if (s->on_parent) {
    /* Equal and opposite on the parent, moments moved to the parent-side joint frame origin:
     * M_P = −M_C + (o − p_P) × (−F_C). */
    double mf[3];
    for (int i = 0; i < 3; i++) F[i] = -F[i];
    cross3(s->op, F, mf);
    for (int i = 0; i < 3; i++) M[i] = -M[i] + mf[i];
  }
  to_frame(d, s->frame, F, of);
  to_frame(d, s->frame, M, om);
}

hl_status hl_jr_compute(const hl_model *m, hl_jr *jr, const hl_data *d, const double *ext,
                        const double *mus_force, const double *act_force, int joint, int on_parent,
                        int frame, hl_jr_result *out, double *contrib, hl_error *err) {
  if (!jr || !m || !d || !out || joint < 0 || joint >= m->njoint || frame < 0 || frame >= m->nbody)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_jr_compute: %s",
                        !jr || !m || !d || !out ? "NULL argument" : "joint or frame index outside the model");
  hl__jr_site s;
  hl__jr_site_set(m, d, joint, on_parent, frame, jr->in_sub, &s);
  hl__jr_loads L = {d->body_dw, d->body_a, d->body_w, 1, ext, mus_force, act_force};
  double inter[6], mus[6], act[6], F[3], Mo[3];
  hl__jr_pass(m, d, &s, &L, inter, mus, act, contrib, NULL);
  for (int i = 0; i < 3; i++) {
    F[i] = inter[i] + mus[i] + act[i];
    Mo[i] = inter[3 + i] + mus[3 + i] + act[3 + i];
  }
  for (int k = 0; contrib && k < m->nmuscle; k++)
    hl__jr_express(d, &s, contrib + 6 * k, contrib + 6 * k + 3, contrib + 6 * k, contrib + 6 * k + 3);
  hl__jr_express(d, &s, F, Mo, out->f, out->m);
  hl__jr_express(d, &s, inter, inter + 3, out->inter_f, out->inter_m);
  hl__jr_express(d, &s, act, act + 3, out->act_f, out->act_m);
  hl__jr_express(d, &s, mus, mus + 3, out->muscle_f, out->muscle_m);
  /* point: relative to the frame's origin, in the frame */
  double rel[3];
  const double *pt = on_parent ? s.pp : s.o;
  for (int i = 0; i < 3; i++) rel[i] = pt[i] - (frame > 0 ? d->body_p[3 * frame + i] : 0);
  to_frame(d, frame, rel, out->p);
  return HL_OK;
}
