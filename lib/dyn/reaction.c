/* SPDX-License-Identifier: Apache-2.0 */
/* Joint reaction loads and muscle contributions: see include/hipload/jr.h. */
#include "hipload/jr.h"
#include "hipload/muscle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/invdyn.h"
#include "hipload/force.h"
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
  jr->Jc = calloc(9 * q1, sizeof(double)); /* 9 per coordinate (mass_matrix) */
  jr->qdd0 = calloc(q1, sizeof(double));
  jr->free_idx = calloc(q1, sizeof(int));
  jr->in_sub = calloc((size_t)(nb > 0 ? nb : 1), 1);
  if (!jr->id || !jr->M || !jr->Mr || !jr->h || !jr->tau || !jr->rhs || !jr->J3 ||
      !jr->Jc || !jr->qdd0 || !jr->free_idx || !jr->in_sub) {
    hl_jr_free(jr);
    return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory (joint reaction)");
  }
  for (int i = 0; i < nq; i++)
    if (!m->coord_locked[i]) jr->free_idx[jr->nfree++] = i;
  *out = jr;
  return HL_OK;
}

/* M(q) = Σ_b m_b Jcᵀ Jc + Jωᵀ I_G Jω, with Jc the COM Jacobian. Body b's Jacobian is nonzero only
 * in the columns of the coordinates that move it (kin_internal.h body_cols), so each body adds a
 * small dense block; the lower triangle is summed, then mirrored. */
static void mass_matrix(hl_jr *jr, const hl_model *m, const hl_data *d) {
  int nq = jr->nq;
  const hl__kin_data *kd = hl__kin_c(d);
  memset(jr->M, 0, sizeof(double) * (size_t)nq * nq);
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
    /* per column: ω part (3), COM velocity Jc = Jv − r × Jω (3), I_G Jω (3), packed in Jc */
    double *P = jr->Jc; /* 9 per listed column */
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
      double *Mk = jr->M + (size_t)cols[a] * nq;
      for (int e = 0; e <= a; e++) {
        const double *pl = P + 9 * e;
        Mk[cols[e]] += mass * (pk[3] * pl[3] + pk[4] * pl[4] + pk[5] * pl[5]) +
                       pk[6] * pl[0] + pk[7] * pl[1] + pk[8] * pl[2];
      }
    }
  }
  for (int k = 0; k < nq; k++)
    for (int l = k + 1; l < nq; l++) jr->M[(size_t)k * nq + l] = jr->M[(size_t)l * nq + k];
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
  hl_status st = hl_kin_update(m, d, d->q, d->qd, jr->qdd0, err);
  if (st) return hl_error_set(err, st, NULL, 0, "kinematics failed in forward dynamics");
  st = hl_invdyn_frame(m, jr->id, d, ext, jr->h, NULL, NULL, err);
  if (st) return st;
  memset(jr->tau, 0, sizeof(double) * (size_t)nq);
  hl_force_generalized(m, jr->J3, d, mus_force, act_force, jr->tau);
  hl_force_passive(m, d->q, d->qd, jr->tau);
  mass_matrix(jr, m, d);
  for (int a = 0; a < nf; a++) {
    int i = jr->free_idx[a];
    jr->rhs[a] = jr->tau[i] - jr->h[i];
    for (int b = 0; b <= a; b++) jr->Mr[(size_t)a * nf + b] = jr->M[(size_t)i * nq + jr->free_idx[b]];
  }
  if (!spd_solve(jr->Mr, nf, jr->rhs))
    return hl_error_set(err, HL_ERR_SINGULAR, NULL, 0, "mass matrix is not positive definite");
  memset(qdd, 0, sizeof(double) * (size_t)nq);
  for (int a = 0; a < nf; a++) qdd[jr->free_idx[a]] = jr->rhs[a];
  /* d is left at the accelerations returned (the ones hl_jr_compute needs next), not at q̈ = 0:
   * same q and q̇, so only the q̈ part is redone */
  st = hl_kin_update(m, d, d->q, d->qd, qdd, err);
  if (st) return hl_error_set(err, st, NULL, 0, "kinematics failed at the forward-dynamics accelerations");
  return HL_OK;
}

int hl_muscle_crosses(const hl_model *m, const hl_data *d, int i, int joint) {
  int root = m->jnt_child[joint];
  int adr = m->mus_path_adr[i], n = d->mus_npt[i];
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

/* Intersegmental load onto the child's subtree (jr->in_sub), about o, in ground: inertia minus
 * gravity minus external loads, summed over the subtree's bodies. */
static void subtree_load(const hl_jr *jr, const hl_model *m, const hl_data *d, const double *ext,
                         const double o[3], double Fi[3], double Mi[3]) {
  for (int b = 1; b < m->nbody; b++) {
    if (!jr->in_sub[b]) continue;
    const double *R = d->body_R + 9 * b, *p = d->body_p + 3 * b, *w = d->body_w + 3 * b;
    const double *c = m->body_com + 3 * b, *Ib = m->body_inertia + 9 * b;
    double mass = m->body_mass[b], r[3], cg[3], ac[3], t[3], u[3];
    for (int i = 0; i < 3; i++) r[i] = R[3 * i] * c[0] + R[3 * i + 1] * c[1] + R[3 * i + 2] * c[2];
    for (int i = 0; i < 3; i++) cg[i] = p[i] + r[i];
    hl_kin_point_acc(m, d, b, c, ac);
    double F[3];
    for (int i = 0; i < 3; i++) F[i] = mass * (ac[i] - m->gravity[i]);
    /* Euler: I_G α + ω × I_G ω, computed in body axes then rotated */
    double wb[3], ab[3], Iw[3], Ia[3], gyro[3], Mb[3], Mg[3];
    for (int i = 0; i < 3; i++) wb[i] = R[i] * w[0] + R[3 + i] * w[1] + R[6 + i] * w[2];
    const double *al = d->body_dw + 3 * b;
    for (int i = 0; i < 3; i++) ab[i] = R[i] * al[0] + R[3 + i] * al[1] + R[6 + i] * al[2];
    for (int i = 0; i < 3; i++) {
      Iw[i] = Ib[3 * i] * wb[0] + Ib[3 * i + 1] * wb[1] + Ib[3 * i + 2] * wb[2];
      Ia[i] = Ib[3 * i] * ab[0] + Ib[3 * i + 1] * ab[1] + Ib[3 * i + 2] * ab[2];
    }
    cross3(wb, Iw, gyro);
    for (int i = 0; i < 3; i++) Mb[i] = Ia[i] + gyro[i];
    for (int i = 0; i < 3; i++) Mg[i] = R[3 * i] * Mb[0] + R[3 * i + 1] * Mb[1] + R[3 * i + 2] * Mb[2];
    for (int i = 0; i < 3; i++) t[i] = cg[i] - o[i];
    cross3(t, F, u);
    for (int i = 0; i < 3; i++) {
      Fi[i] += F[i];
      Mi[i] += Mg[i] + u[i];
    }
    if (ext) {
      const double *e = ext + 6 * b;
      for (int i = 0; i < 3; i++) t[i] = p[i] - o[i];
      cross3(t, e, u);
      for (int i = 0; i < 3; i++) {
        Fi[i] -= e[i];
        Mi[i] -= e[3 + i] + u[i];
      }
    }
  }
}

hl_status hl_jr_compute(const hl_model *m, hl_jr *jr, const hl_data *d, const double *ext,
                        const double *mus_force, const double *act_force, int joint, int on_parent,
                        int frame, hl_jr_result *out, double *contrib, hl_error *err) {
  if (!jr || !m || !d || !out || joint < 0 || joint >= m->njoint || frame < 0 || frame >= m->nbody)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_jr_compute: %s",
                        !jr || !m || !d || !out ? "NULL argument" : "joint or frame index outside the model");
  int root = m->jnt_child[joint];
  for (int b = 0; b < m->nbody; b++) jr->in_sub[b] = (char)hl_model_in_subtree(m, b, root);
  double o[3]; /* joint centre on the child, in ground */
  hl_kin_point(m, d, root, m->jnt_child_p + 3 * joint, o);
  double pp[3], op[3] = {0, 0, 0}; /* parent-side joint centre, and o − pp */
  hl_kin_point(m, d, m->jnt_parent[joint], m->jnt_parent_p + 3 * joint, pp);
  for (int i = 0; i < 3; i++) op[i] = o[i] - pp[i];

  /* Intersegmental load onto the child's subtree, about o, in ground. */
  double Fi[3] = {0, 0, 0}, Mi[3] = {0, 0, 0};
  subtree_load(jr, m, d, ext, o, Fi, Mi);

  /* Muscles: tension along each segment that crosses into the subtree, at the inside point. */
  double Fm[3] = {0, 0, 0}, Mm[3] = {0, 0, 0};
  for (int k = 0; k < m->nmuscle; k++) {
    double fk[3] = {0, 0, 0}, mk[3] = {0, 0, 0};
    double T = mus_force ? mus_force[k] : 0;
    int adr = m->mus_path_adr[k], n = d->mus_npt[k];
    for (int s = 0; s + 1 < n; s++) {
      int a = jr->in_sub[d->apt_body[adr + s]], b = jr->in_sub[d->apt_body[adr + s + 1]];
      if (a == b) continue;
      const double *pin = d->apt_pos + 3 * (a ? adr + s : adr + s + 1);
      const double *pout = d->apt_pos + 3 * (a ? adr + s + 1 : adr + s);
      double u[3] = {pout[0] - pin[0], pout[1] - pin[1], pout[2] - pin[2]};
      double len = sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
      if (len <= 0) continue;
      double F[3] = {T * u[0] / len, T * u[1] / len, T * u[2] / len}, t[3], mm[3];
      for (int i = 0; i < 3; i++) t[i] = pin[i] - o[i];
      cross3(t, F, mm);
      for (int i = 0; i < 3; i++) {
        fk[i] += F[i];
        mk[i] += mm[i];
      }
    }
    for (int i = 0; i < 3; i++) {
      Fm[i] += fk[i];
      Mm[i] += mk[i];
    }
    if (contrib) { /* contribution = −pull on the child */
      for (int i = 0; i < 3; i++) {
        fk[i] = -fk[i];
        mk[i] = -mk[i];
      }
      if (on_parent) { /* equal and opposite, moment moved to the parent-side centre */
        double sh[3];
        for (int i = 0; i < 3; i++) fk[i] = -fk[i];
        cross3(op, fk, sh);
        for (int i = 0; i < 3; i++) mk[i] = -mk[i] + sh[i];
      }
      to_frame(d, frame, fk, contrib + 6 * k);
      to_frame(d, frame, mk, contrib + 6 * k + 3);
    }
  }

  /* Point and torque actuators on the subtree (body loads, not mobility forces). */
  double Fa[3] = {0, 0, 0}, Ma[3] = {0, 0, 0};
  for (int a = 0; a < m->nactuator && act_force; a++) {
    double f = act_force[a];
    if (m->act_type[a] == HL_ACT_POINT) {
      int b = m->act_body[a];
      if (b < 0 || !jr->in_sub[b]) continue;
      double pg[3], dir[3], F[3], t[3], mm[3];
      hl_force_actuator_line(m, d, a, pg, dir);
      for (int i = 0; i < 3; i++) {
        F[i] = f * dir[i];
        t[i] = pg[i] - o[i];
      }
      cross3(t, F, mm);
      for (int i = 0; i < 3; i++) {
        Fa[i] += F[i];
        Ma[i] += mm[i];
      }
    } else if (m->act_type[a] == HL_ACT_TORQUE) {
      int ba = m->act_body[a], bb = m->act_body_b[a];
      double sgn = (ba >= 0 && jr->in_sub[ba] ? 1.0 : 0.0) - (bb >= 0 && jr->in_sub[bb] ? 1.0 : 0.0);
      if (sgn == 0) continue;
      double pg[3], axis[3];
      hl_force_actuator_line(m, d, a, pg, axis);
      for (int i = 0; i < 3; i++) Ma[i] += sgn * f * axis[i];
    }
  }

  double F[3], Mo[3], Fa_c[3], Ma_c[3], Fm_c[3], Mm_c[3];
  for (int i = 0; i < 3; i++) {
    F[i] = Fi[i] - Fm[i] - Fa[i];
    Mo[i] = Mi[i] - Mm[i] - Ma[i];
    Fa_c[i] = -Fa[i];
    Ma_c[i] = -Ma[i];
    Fm_c[i] = -Fm[i];
    Mm_c[i] = -Mm[i];
  }
  double pt[3];
  memcpy(pt, o, sizeof pt);
  if (on_parent) {
    /* Equal and opposite on the parent, moments moved to the parent-side joint frame origin:
     * M_P = −M_C + (o − p_P) × (−F_C). */
    const double *t = op;
    double *vecF[4] = {F, Fi, Fa_c, Fm_c}, *vecM[4] = {Mo, Mi, Ma_c, Mm_c};
    for (int v = 0; v < 4; v++) {
      double mf[3];
      for (int i = 0; i < 3; i++) vecF[v][i] = -vecF[v][i];
      cross3(t, vecF[v], mf);
      for (int i = 0; i < 3; i++) vecM[v][i] = -vecM[v][i] + mf[i];
    }
    memcpy(pt, pp, sizeof pt);
  }
  to_frame(d, frame, F, out->f);
  to_frame(d, frame, Mo, out->m);
  to_frame(d, frame, Fi, out->inter_f);
  to_frame(d, frame, Mi, out->inter_m);
  to_frame(d, frame, Fa_c, out->act_f);
  to_frame(d, frame, Ma_c, out->act_m);
  to_frame(d, frame, Fm_c, out->muscle_f);
  to_frame(d, frame, Mm_c, out->muscle_m);
  /* point: relative to the frame's origin, in the frame */
  double rel[3];
  for (int i = 0; i < 3; i++) rel[i] = pt[i] - (frame > 0 ? d->body_p[3 * frame + i] : 0);
  to_frame(d, frame, rel, out->p);
  return HL_OK;
}
