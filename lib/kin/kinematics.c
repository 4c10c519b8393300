/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — body poses, Jacobians, velocities and accelerations of an hl_model.
 *
 * Every joint is six transform axes, as OpenSim's CustomJoint hands them to Simbody's
 * MobilizedBody::FunctionBased (simbody MobilizedBodyImpl, FunctionBasedImpl::
 * calcMobilizerTransformFromQ):
 *   R_FM = Rot(s0, a0) · Rot(s1, a1) · Rot(s2, a2)   (a body-fixed sequence: the second axis turns
 *                                                   with the first rotation, the third with both)
 *   p_FM = s3·a3 + s4·a4 + s5·a5                   (all three axes fixed in F)
 * with s_k = f_k(q_c) and every axis normalised. The child body then sits at
 *   X_GB = X_GP · X_PF · X_FM · inverse(X_BM).
 *
 * Everything is propagated from ground outwards in body order (parents come first), so one pass
 * gives poses, Jacobian columns (chain rule through f_k'), velocities, and accelerations with the
 * velocity-product terms (f_k'' q̇², the turning of the rotated axes, Coriolis terms).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/model.h"
#include "kin_internal.h"

/* ------------------------------------------------------------------ small 3-vector helpers */

static void cross3(const double a[3], const double b[3], double out[3]) {
  double x = a[1] * b[2] - a[2] * b[1];
  double y = a[2] * b[0] - a[0] * b[2];
  double z = a[0] * b[1] - a[1] * b[0];
  out[0] = x;
  out[1] = y;
  out[2] = z;
}

static void matvec3(const double R[9], const double v[3], double out[3]) {
  double x = R[0] * v[0] + R[1] * v[1] + R[2] * v[2];
  double y = R[3] * v[0] + R[4] * v[1] + R[5] * v[2];
  double z = R[6] * v[0] + R[7] * v[1] + R[8] * v[2];
  out[0] = x;
  out[1] = y;
  out[2] = z;
}

/* C = A · B (3×3 row-major); C may not alias A or B. */
static void matmul3(const double A[9], const double B[9], double C[9]) {
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      C[3 * i + j] = A[3 * i] * B[j] + A[3 * i + 1] * B[3 + j] + A[3 * i + 2] * B[6 + j];
}

/* C = A · Bᵀ (3×3 row-major); C may not alias A or B. */
static void matmul3_bt(const double A[9], const double B[9], double C[9]) {
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      C[3 * i + j] = A[3 * i] * B[3 * j] + A[3 * i + 1] * B[3 * j + 1] + A[3 * i + 2] * B[3 * j + 2];
}

/* Rotation by angle th about the unit axis u (Rodrigues). */
static void axis_rotation(const double u[3], double th, double R[9]) {
  double c = cos(th), s = sin(th), v = 1.0 - c;
  R[0] = c + v * u[0] * u[0];
  R[1] = v * u[0] * u[1] - s * u[2];
  R[2] = v * u[0] * u[2] + s * u[1];
  R[3] = v * u[1] * u[0] + s * u[2];
  R[4] = c + v * u[1] * u[1];
  R[5] = v * u[1] * u[2] - s * u[0];
  R[6] = v * u[2] * u[0] - s * u[1];
  R[7] = v * u[2] * u[1] + s * u[0];
  R[8] = c + v * u[2] * u[2];
}

static void unit3(const double a[3], double u[3]) {
  double n = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
  if (n > 0.0) {
    u[0] = a[0] / n;
    u[1] = a[1] / n;
    u[2] = a[2] / n;
  } else {
    u[0] = u[1] = u[2] = 0.0;
  }
}

/* ------------------------------------------------------------------------ workspace */

/* Sorted insert of coordinate c into list[0..*n) unless already present. */
static void add_col(int *list, int *n, int c) {
  int i = 0;
  while (i < *n && list[i] < c) i++;
  if (i < *n && list[i] == c) return;
  memmove(list + i + 1, list + i, (size_t)(*n - i) * sizeof *list);
  list[i] = c;
  (*n)++;
}

static void *zalloc(size_t count, size_t size) { return calloc(count ? count : 1, size); }

static int is_ancestor_or_self(const hl_model *m, int a, int b) {
  for (; b >= 0; b = m->body_parent[b])
    if (b == a) return 1;
  return 0;
}

/* Fill k->mus_cols (see kin_internal.h). Needs k->body_cols. Returns 0 when out of memory. */
static int muscle_cols(const hl_model *m, hl__kin_data *k) {
  const int nq = m->ncoord;
  int *users = calloc((size_t)(nq ? nq : 1), sizeof(int)), *joint = calloc((size_t)(nq ? nq : 1), sizeof(int));
  if (!users || !joint) {
    free(users);
    free(joint);
    return 0;
  }
  for (int j = 0; j < m->njoint; j++) { /* how many joints each coordinate drives, and which */
    int seen[6 * HL_TAX_MAXCOORD], nseen = 0;
    for (int t = 6 * j; t < 6 * j + 6; t++)
      for (int ci = 0; ci < m->tax_ncoord[t] && ci < HL_TAX_MAXCOORD; ci++) {
        int c = m->tax_coord[HL_TAX_MAXCOORD * t + ci], dup = 0;
        if (c < 0 || c >= nq) continue;
        for (int s = 0; s < nseen; s++) dup |= seen[s] == c;
        if (dup) continue;
        seen[nseen++] = c;
        users[c]++;
        joint[c] = j;
      }
  }
  for (int i = 0; i < m->nmuscle; i++) {
    int adr = m->mus_path_adr[i], num = m->mus_path_num[i], n = 0;
    int *list = k->mus_cols + (size_t)i * nq;
    k->mus_cols_adr[i] = i * nq;
    for (int p = adr; p < adr + num && p < m->npathpt; p++) {
      int b = m->pt_body[p];
      if (p < 0 || b < 0 || b >= m->nbody) continue;
      for (int s = 0; s < k->body_cols_num[b]; s++) {
        int c = k->body_cols[k->body_cols_adr[b] + s], rigid = users[c] == 1;
        int child = rigid ? m->jnt_child[joint[c]] : -1;
        for (int p2 = adr; rigid && p2 < adr + num && p2 < m->npathpt; p2++) {
          int b2 = m->pt_body[p2];
          if (b2 >= 0 && b2 < m->nbody && !is_ancestor_or_self(m, child, b2)) rigid = 0;
          if (m->pt_type[p2] == 2)
            for (int a = 0; a < 3; a++) rigid &= m->pt_move_coord[3 * p2 + a] != c;
        }
        if (!rigid) add_col(list, &n, c);
      }
      if (m->pt_type[p] == 2)
        for (int a = 0; a < 3; a++) {
          int c = m->pt_move_coord[3 * p + a];
          if (c >= 0 && c < nq) add_col(list, &n, c);
        }
    }
    k->mus_cols_num[i] = n;
  }
  free(users);
  free(joint);
  return 1;
}

static hl_data *data_create(const hl_model *m) {
  if (!m || m->nbody < 1 || m->ncoord < 0 || m->nmuscle < 0 || m->npathpt < 0) return NULL;
  for (int b = 1; b < m->nbody; b++) /* the single forward pass needs parents first */
    if (m->body_parent[b] < 0 || m->body_parent[b] >= b || m->body_joint[b] < 0 ||
        m->body_joint[b] >= m->njoint)
      return NULL;

  hl__kin_data *k = zalloc(1, sizeof *k);
  if (!k) return NULL;
  hl_data *d = &k->pub;
  d->priv = k;
  size_t nq = (size_t)m->ncoord, nb = (size_t)m->nbody, nm = (size_t)m->nmuscle;
  size_t np = (size_t)m->npathpt;
  int maxpt = 2;
  for (int i = 0; i < m->nmuscle; i++)
    if (m->mus_path_num[i] > maxpt) maxpt = m->mus_path_num[i];

  d->nq = m->ncoord;
  k->nbody = m->nbody;
  k->nmuscle = m->nmuscle;
  k->npathpt = m->npathpt;
  d->q = zalloc(nq, sizeof(double));
  d->qd = zalloc(nq, sizeof(double));
  d->qdd = zalloc(nq, sizeof(double));
  d->body_R = zalloc(9 * nb, sizeof(double));
  d->body_p = zalloc(3 * nb, sizeof(double));
  d->body_J = zalloc(6 * nq * nb, sizeof(double));
  d->body_w = zalloc(3 * nb, sizeof(double));
  d->body_v = zalloc(3 * nb, sizeof(double));
  d->body_dw = zalloc(3 * nb, sizeof(double));
  d->body_a = zalloc(3 * nb, sizeof(double));
  d->mus_len = zalloc(nm, sizeof(double));
  d->mus_speed = zalloc(nm, sizeof(double));
  d->mus_ma = zalloc(nm * nq, sizeof(double));
  d->mus_npt = zalloc(nm, sizeof(int));
  d->apt_body = zalloc(np, sizeof(int));
  d->apt_pos = zalloc(3 * np, sizeof(double));
  d->apt_local = zalloc(3 * np, sizeof(double));
  /* muscle_path.c: per active point w_k, offset from its body origin, local velocity and local
   * derivative (3 each); per segment the unit direction (3) */
  d->nscratch = 15 * (size_t)maxpt;
  d->scratch = zalloc(d->nscratch, sizeof(double));
  k->body_cols = zalloc(nb * (nq ? nq : 1), sizeof(int));
  k->body_cols_adr = zalloc(nb, sizeof(int));
  k->body_cols_num = zalloc(nb, sizeof(int));
  k->apt_src = zalloc(np, sizeof(int));
  k->body_dw0 = zalloc(3 * nb, sizeof(double));
  k->body_a0 = zalloc(3 * nb, sizeof(double));
  k->mus_cols = zalloc(nm * (nq ? nq : 1), sizeof(int));
  k->mus_cols_adr = zalloc(nm, sizeof(int));
  k->mus_cols_num = zalloc(nm, sizeof(int));
  k->mus_ma_c = zalloc(nm * (nq ? nq : 1), sizeof(double)); /* at most nq per muscle */
  if (!d->q || !d->qd || !d->qdd || !d->body_R || !d->body_p || !d->body_J || !d->body_w ||
      !d->body_v || !d->body_dw || !d->body_a || !d->mus_len || !d->mus_speed || !d->mus_ma ||
      !d->mus_npt || !d->apt_body || !d->apt_pos || !d->apt_local || !d->scratch ||
      !k->body_cols || !k->body_cols_adr || !k->body_cols_num || !k->apt_src || !k->body_dw0 || !k->body_a0 || !k->mus_cols ||
      !k->mus_cols_adr || !k->mus_cols_num || !k->mus_ma_c) {
    hl_kin_free(d);
    return NULL;
  }

  /* the coordinates that move body b: those of its parent plus those its joint's axes use */
  for (size_t b = 0; b < nb; b++) {
    k->body_cols_adr[b] = (int)(b * nq);
    d->body_R[9 * b] = d->body_R[9 * b + 4] = d->body_R[9 * b + 8] = 1.0;
  }
  for (int b = 1; b < m->nbody; b++) {
    int *list = k->body_cols + k->body_cols_adr[b];
    int n = 0, P = m->body_parent[b], j = m->body_joint[b];
    for (int i = 0; i < k->body_cols_num[P]; i++) list[n++] = k->body_cols[k->body_cols_adr[P] + i];
    for (int ax = 0; ax < 6; ax++) {
      int t = 6 * j + ax;
      for (int ci = 0; ci < m->tax_ncoord[t] && ci < HL_TAX_MAXCOORD; ci++) {
        int c = m->tax_coord[HL_TAX_MAXCOORD * t + ci];
        if (c >= 0 && c < m->ncoord) add_col(list, &n, c);
      }
    }
    k->body_cols_num[b] = n;
  }
  if (!muscle_cols(m, k)) {
    hl_kin_free(d);
    return NULL;
  }
  return d;
}

hl_status hl_kin_create(const hl_model *m, hl_data **out, hl_error *err) {
  if (!out || !m) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_kin_create: NULL argument");
  *out = NULL;
  if (m->nbody < 1 || m->ncoord < 0 || m->nmuscle < 0 || m->npathpt < 0)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "model '%s' has no ground body", m->name);
  for (int b = 1; b < m->nbody; b++)
    if (m->body_parent[b] < 0 || m->body_parent[b] >= b || m->body_joint[b] < 0 || m->body_joint[b] >= m->njoint)
      return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                          "model '%s': body '%s' comes before its parent or has no joint", m->name, m->body_name[b]);
  *out = data_create(m);
  return *out ? HL_OK : hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory (kinematics workspace)");
}

void hl_kin_free(hl_data *d) {
  if (!d || !d->priv) return;
  hl__kin_data *k = hl__kin(d);
  free(d->q);
  free(d->qd);
  free(d->qdd);
  free(d->body_R);
  free(d->body_p);
  free(d->body_J);
  free(d->body_w);
  free(d->body_v);
  free(d->body_dw);
  free(d->body_a);
  free(d->mus_len);
  free(d->mus_speed);
  free(d->mus_ma);
  free(d->mus_npt);
  free(d->apt_body);
  free(d->apt_pos);
  free(d->apt_local);
  free(d->scratch);
  free(k->body_cols);
  free(k->body_cols_adr);
  free(k->body_cols_num);
  free(k->apt_src);
  free(k->body_dw0);
  free(k->body_a0);
  free(k->mus_cols);
  free(k->mus_cols_adr);
  free(k->mus_cols_num);
  free(k->mus_ma_c);
  free(k);
}

/* ---------------------------------------------------------------------------- per frame */

/* Value s, first derivative ds/dq and the time derivatives ṡ, s̈ of transform axis t. */
typedef struct axis_state {
  int coord;     /* coordinate it depends on, -1 for a constant axis */
  double s, dsdq, sd, sdd;
} axis_state;

static hl_status eval_axis(const hl_model *m, const hl_data *d, int t, int vel, axis_state *a) {
  int nc = m->tax_ncoord[t], f = m->tax_func[t];
  a->coord = -1;
  a->dsdq = a->sd = a->sdd = 0.0;
  if (nc <= 0) { /* a constant axis: its function of nothing (absent: 0) */
    double y = 0.0, dy, ddy;
    if (f >= 0) hl_model_function_eval(m, f, 0.0, &y, &dy, &ddy);
    a->s = y;
    return HL_OK;
  }
  if (nc > 1) return HL_ERR_UNSUPPORTED; /* hl_function has one argument */
  int c = m->tax_coord[HL_TAX_MAXCOORD * t];
  if (c < 0 || c >= m->ncoord) return HL_ERR_INVALID_ARG;
  double x = d->q[c], y, dy, ddy;
  if (f < 0) {
    y = x;
    dy = 1.0;
    ddy = 0.0;
  } else {
    hl_model_function_eval(m, f, x, &y, &dy, &ddy);
  }
  a->coord = c;
  a->s = y;
  a->dsdq = dy;
  if (vel) {
    a->sd = dy * d->qd[c];
    a->sdd = ddy * d->qd[c] * d->qd[c]; /* the bias part: dy·q̈ enters through the Jacobian */
  }
  return HL_OK;
}

/* body_dw = dw0 + J_ω q̈ and body_a = a0 + J_v q̈ over the columns that move each body. */
static void add_qdd_part(const hl_model *m, hl_data *d) {
  const hl__kin_data *k = hl__kin_c(d);
  const int nq = m->ncoord;
  const double *qdd = d->qdd;
  for (int b = 1; b < m->nbody; b++) {
    const int *cols = k->body_cols + k->body_cols_adr[b], ncols = k->body_cols_num[b];
    const double *J = d->body_J + (size_t)6 * nq * b;
    double acc[6];
    for (int r = 0; r < 3; r++) {
      acc[r] = k->body_dw0[3 * b + r];
      acc[3 + r] = k->body_a0[3 * b + r];
    }
    for (int i = 0; i < ncols; i++) {
      int c = cols[i];
      double u = qdd[c];
      if (u == 0.0) continue;
      for (int r = 0; r < 6; r++) acc[r] += J[r * nq + c] * u;
    }
    for (int r = 0; r < 3; r++) {
      d->body_dw[3 * b + r] = acc[r];
      d->body_a[3 * b + r] = acc[3 + r];
    }
  }
}

/* Body b's Jacobian: the parent's columns shifted to B's origin (rPB: parent origin → B), plus
 * this joint's axes (Hg rotational, Tg translational, in ground; rMB: M → B). */
static void body_jacobian(const hl_model *m, hl_data *d, const hl__kin_data *k, int b, const axis_state ax[6],
                          const double Hg[3][3], const double Tg[3][3], const double rPB[3], const double rMB[3]) {
  const int nq = m->ncoord, P = m->body_parent[b];
  const hl__kin_data *kc = k;
  const int *cols = kc->body_cols + kc->body_cols_adr[b], ncols = kc->body_cols_num[b];
  const int *pcols = kc->body_cols + kc->body_cols_adr[P], npcols = kc->body_cols_num[P];
  double *JB = d->body_J + (size_t)6 * nq * b;
  const double *JP = d->body_J + (size_t)6 * nq * P;
  for (int i = 0; i < ncols; i++)
    for (int r = 0; r < 6; r++) JB[r * nq + cols[i]] = 0.0;
  for (int i = 0; i < npcols; i++) {
    int c = pcols[i];
    double w[3] = {JP[c], JP[nq + c], JP[2 * nq + c]}, wr[3];
    cross3(w, rPB, wr);
    for (int r = 0; r < 3; r++) {
      JB[r * nq + c] = w[r];
      JB[(3 + r) * nq + c] = JP[(3 + r) * nq + c] + wr[r];
    }
  }
  for (int i = 0; i < 3; i++) {
    if (ax[i].coord >= 0 && ax[i].dsdq != 0.0) {
      int c = ax[i].coord;
      double hr[3];
      cross3(Hg[i], rMB, hr);
      for (int r = 0; r < 3; r++) {
        JB[r * nq + c] += Hg[i][r] * ax[i].dsdq;
        JB[(3 + r) * nq + c] += hr[r] * ax[i].dsdq;
      }
    }
    if (ax[3 + i].coord >= 0 && ax[3 + i].dsdq != 0.0) {
      int c = ax[3 + i].coord;
      for (int r = 0; r < 3; r++) JB[(3 + r) * nq + c] += Tg[i][r] * ax[3 + i].dsdq;
    }
  }
}

/* The arguments: a workspace of this model, finite values. */
static hl_status check_state(const hl_model *m, hl_data *d, const double *q, const double *qd,
                             const double *qdd) {
  if (!m || !d || !q || !d->priv) return HL_ERR_INVALID_ARG;
  hl__kin_data *k = hl__kin(d);
  if (d->nq != m->ncoord || k->nbody != m->nbody || k->nmuscle != m->nmuscle ||
      k->npathpt != m->npathpt)
    return HL_ERR_INVALID_ARG; /* workspace made for another model */
  for (int c = 0; c < m->ncoord; c++)
    if (!isfinite(q[c]) || (qd && !isfinite(qd[c])) || (qdd && !isfinite(qdd[c]))) {
      k->has_state = 0;
      return HL_ERR_BAD_VALUE;
    }
  return HL_OK;
}

/* Same pose and speeds as the last update: only the q̈ part of the accelerations changes, done
 * here (returns 1). Otherwise the new state is stored for the full pass (returns 0). */
static int start_update(const hl_model *m, hl_data *d, hl__kin_data *k, const double *q, const double *qd,
                        const double *qdd) {
  const int nq = m->ncoord, vel = qd != NULL;
  /* Same pose and speeds as the last update: only the q̈ part of the accelerations changes. */
  if (vel && k->has_state && k->has_qd && memcmp(q, d->q, sizeof(double) * (size_t)nq) == 0 &&
      memcmp(qd, d->qd, sizeof(double) * (size_t)nq) == 0) {
    for (int c = 0; c < nq; c++) d->qdd[c] = qdd ? qdd[c] : 0.0;
    add_qdd_part(m, d);
    return 1;
  }
  for (int c = 0; c < nq; c++) {
    d->q[c] = q[c];
    d->qd[c] = qd ? qd[c] : 0.0;
    d->qdd[c] = qdd ? qdd[c] : 0.0;
  }
  k->has_state = 0;
  k->has_qd = vel;
  return 0;
}

static hl_status kin_update(const hl_model *m, hl_data *d, const double *q, const double *qd,
                            const double *qdd) {
  hl_status st = check_state(m, d, q, qd, qdd);
  if (st) return st;
  hl__kin_data *k = hl__kin(d);
  const int vel = qd != NULL;
  if (start_update(m, d, k, q, qd, qdd)) return HL_OK;

  for (int b = 1; b < m->nbody; b++) {
    const int P = m->body_parent[b], j = m->body_joint[b];
    const double *RGP = d->body_R + 9 * P, *pGP = d->body_p + 3 * P;
    axis_state ax[6];
    for (int i = 0; i < 6; i++) {
      hl_status st = eval_axis(m, d, 6 * j + i, vel, &ax[i]);
      if (st != HL_OK) return st;
    }

    /* rotations: h_i is rotation axis i in F after the rotations before it (body-fixed sequence) */
    double u[6][3], h[3][3], R1[9], R2[9], R3[9], R12[9], RFM[9];
    for (int i = 0; i < 6; i++) unit3(m->tax_axis + 3 * (6 * j + i), u[i]);
    /* a zero angle is the identity: skip the products (most joints turn about one axis) */
    static const double I3[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    if (ax[0].s != 0.0) axis_rotation(u[0], ax[0].s, R1); else memcpy(R1, I3, sizeof R1);
    if (ax[1].s != 0.0) {
      axis_rotation(u[1], ax[1].s, R2);
      matmul3(R1, R2, R12);
    } else {
      memcpy(R12, R1, sizeof R12);
    }
    if (ax[2].s != 0.0) {
      axis_rotation(u[2], ax[2].s, R3);
      matmul3(R12, R3, RFM);
    } else {
      memcpy(RFM, R12, sizeof RFM);
    }
    memcpy(h[0], u[0], sizeof h[0]);
    matvec3(R1, u[1], h[1]);
    matvec3(R12, u[2], h[2]);
    double pFM[3];
    for (int r = 0; r < 3; r++) pFM[r] = ax[3].s * u[3][r] + ax[4].s * u[4][r] + ax[5].s * u[5][r];

    /* poses: F on the parent, M on the child, then the child body B */
    double RGF[9], pGF[3], RGM[9], pGM[3], tmp[3];
    matmul3(RGP, m->jnt_parent_R + 9 * j, RGF);
    matvec3(RGP, m->jnt_parent_p + 3 * j, tmp);
    for (int r = 0; r < 3; r++) pGF[r] = pGP[r] + tmp[r];
    matmul3(RGF, RFM, RGM);
    double dFM[3]; /* p_FM in ground */
    matvec3(RGF, pFM, dFM);
    for (int r = 0; r < 3; r++) pGM[r] = pGF[r] + dFM[r];
    double *RGB = d->body_R + 9 * b, *pGB = d->body_p + 3 * b;
    matmul3_bt(RGM, m->jnt_child_R + 9 * j, RGB);
    matvec3(RGB, m->jnt_child_p + 3 * j, tmp);
    for (int r = 0; r < 3; r++) pGB[r] = pGM[r] - tmp[r];

    /* joint axes in ground: Hg_i rotational (i < 3), Tg_i translational */
    double Hg[3][3], Tg[3][3], rPB[3], rMB[3];
    for (int i = 0; i < 3; i++) {
      matvec3(RGF, h[i], Hg[i]);
      matvec3(RGF, u[3 + i], Tg[i]);
    }
    for (int r = 0; r < 3; r++) {
      rPB[r] = pGB[r] - pGP[r];
      rMB[r] = pGB[r] - pGM[r];
    }

    body_jacobian(m, d, k, b, ax, (const double(*)[3])Hg, (const double(*)[3])Tg, rPB, rMB);

    double *wB = d->body_w + 3 * b, *vB = d->body_v + 3 * b;
    double *dwB = d->body_dw + 3 * b, *aB = d->body_a + 3 * b;
    if (!vel) {
      memset(wB, 0, 3 * sizeof *wB);
      memset(vB, 0, 3 * sizeof *vB);
      memset(dwB, 0, 3 * sizeof *dwB);
      memset(aB, 0, 3 * sizeof *aB);
      continue;
    }

    /* velocities. In F: ω_FM = Σ h_i ṡ_i, its derivative Σ [(Σ_{l<i} h_l ṡ_l) × h_i ṡ_i + h_i s̈_i];
     * ṗ_FM = Σ a_i ṡ_i, p̈_FM = Σ a_i s̈_i (translation axes fixed in F). */
    const double *wP = d->body_w + 3 * P, *vP = d->body_v + 3 * P;
    const double *dwP = d->body_dw + 3 * P, *aP = d->body_a + 3 * P;
    double wrelF[3] = {0, 0, 0}, awrelF[3] = {0, 0, 0}, pdF[3] = {0, 0, 0}, pddF[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
      double hx[3];
      cross3(wrelF, h[i], hx); /* wrelF holds Σ_{l<i} h_l ṡ_l here */
      for (int r = 0; r < 3; r++) {
        awrelF[r] += hx[r] * ax[i].sd + h[i][r] * ax[i].sdd;
        wrelF[r] += h[i][r] * ax[i].sd;
        pdF[r] += u[3 + i][r] * ax[3 + i].sd;
        pddF[r] += u[3 + i][r] * ax[3 + i].sdd;
      }
    }
    double wrel[3], awrel[3], pd[3], pdd[3];
    matvec3(RGF, wrelF, wrel);
    matvec3(RGF, awrelF, awrel);
    matvec3(RGF, pdF, pd);
    matvec3(RGF, pddF, pdd);

    double rPF[3], t1[3], t2[3], t3[3];
    for (int r = 0; r < 3; r++) rPF[r] = pGF[r] - pGP[r];
    /* point F, fixed in the parent */
    double vF[3], aF[3];
    cross3(wP, rPF, t1);
    cross3(dwP, rPF, t2);
    cross3(wP, t1, t3);
    for (int r = 0; r < 3; r++) {
      vF[r] = vP[r] + t1[r];
      aF[r] = aP[r] + t2[r] + t3[r];
    }
    /* point M: F plus p_FM, which moves relative to the parent */
    double vM[3], aM[3], t4[3];
    cross3(wP, dFM, t1);
    cross3(dwP, dFM, t2);
    cross3(wP, t1, t3);
    cross3(wP, pd, t4);
    for (int r = 0; r < 3; r++) {
      vM[r] = vF[r] + t1[r] + pd[r];
      aM[r] = aF[r] + t2[r] + t3[r] + 2.0 * t4[r] + pdd[r];
    }
    /* body B: ω_B = ω_P + ω_rel, α_B = α_P + ω_P × ω_rel + α_rel; origin fixed in B */
    cross3(wP, wrel, t1);
    for (int r = 0; r < 3; r++) {
      wB[r] = wP[r] + wrel[r];
      dwB[r] = dwP[r] + t1[r] + awrel[r];
    }
    cross3(wB, rMB, t1);
    cross3(dwB, rMB, t2);
    cross3(wB, t1, t3);
    for (int r = 0; r < 3; r++) {
      vB[r] = vM[r] + t1[r];
      aB[r] = aM[r] + t2[r] + t3[r];
    }
  }
  if (vel) {
    memcpy(k->body_dw0, d->body_dw, sizeof(double) * 3 * (size_t)m->nbody);
    memcpy(k->body_a0, d->body_a, sizeof(double) * 3 * (size_t)m->nbody);
    add_qdd_part(m, d);
  }
  k->has_state = 1;
  return HL_OK;
}

/* ------------------------------------------------------------------------------ points */

void hl_kin_point(const hl_model *m, const hl_data *d, int b, const double local[3],
                  double out[3]) {
  (void)m;
  double t[3];
  matvec3(d->body_R + 9 * b, local, t);
  for (int r = 0; r < 3; r++) out[r] = d->body_p[3 * b + r] + t[r];
}

void hl_kin_point_jacobian(const hl_model *m, const hl_data *d, int b, const double local[3],
                           double *J3) {
  const int nq = m->ncoord;
  const hl__kin_data *k = hl__kin_c(d);
  double r[3];
  matvec3(d->body_R + 9 * b, local, r);
  memset(J3, 0, (size_t)3 * nq * sizeof *J3);
  const double *J = d->body_J + (size_t)6 * nq * b;
  const int *cols = k->body_cols + k->body_cols_adr[b];
  for (int i = 0; i < k->body_cols_num[b]; i++) {
    int c = cols[i];
    double w[3] = {J[c], J[nq + c], J[2 * nq + c]}, wr[3];
    cross3(w, r, wr);
    for (int row = 0; row < 3; row++) J3[row * nq + c] = J[(3 + row) * nq + c] + wr[row];
  }
}

void hl_kin_point_acc(const hl_model *m, const hl_data *d, int b, const double local[3],
                      double out[3]) {
  (void)m;
  double r[3], t1[3], t2[3], t3[3];
  matvec3(d->body_R + 9 * b, local, r);
  const double *w = d->body_w + 3 * b, *dw = d->body_dw + 3 * b;
  cross3(w, r, t1);
  cross3(w, t1, t2);
  cross3(dw, r, t3);
  for (int i = 0; i < 3; i++) out[i] = d->body_a[3 * b + i] + t3[i] + t2[i];
}

hl_status hl_kin_update(const hl_model *m, hl_data *d, const double *q, const double *qd,
                        const double *qdd, hl_error *err) {
  hl_status st = kin_update(m, d, q, qd, qdd);
  if (!st || !err) return st;
  if (st == HL_ERR_BAD_VALUE) {
    const double *v[3] = {q, qd, qdd};
    const char *what[3] = {"value", "speed", "acceleration"};
    for (int k = 0; k < 3; k++)
      for (int c = 0; v[k] && c < m->ncoord; c++)
        if (!isfinite(v[k][c]))
          return hl_error_set(err, st, NULL, 0, "coordinate '%s': %s %g", m->coord_name[c], what[k], v[k][c]);
  }
  if (st == HL_ERR_INVALID_ARG)
    return hl_error_set(err, st, NULL, 0, "hl_kin_update: %s",
                        !m || !d || !q ? "NULL argument" : !d->priv ? "the workspace was not made by hl_kin_create"
                                                                     : "the workspace was made for another model");
  return hl_error_set(err, st, NULL, 0, "kinematics: %s (a joint axis function of several coordinates)", hl_strerror(st));
}
