/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — muscle path geometry: active points, length, lengthening speed, moment arms.
 *
 * A path is a polyline through its active points (OpenSim GeometryPath without wrapping):
 *   l = Σ_k |p_{k+1} − p_k|.
 * Writing u_k for the unit vector of segment k and w_k = u_{k−1} − u_k for the net pull at point
 * k (u_{−1} = u_last = 0), its differential is dl = Σ_k w_k · dp_k. So
 *   r_c = −∂l/∂q_c = −Σ_k w_k · (∂p_k/∂q_c),
 * where ∂p_k/∂q_c is the body Jacobian column carried to the point plus, for a MovingPathPoint,
 * R_GB · dlocal/dq_c (its location in the body is a function of a coordinate). The body-Jacobian
 * part is grouped per run of points on one body: a net force F = Σ w_k and moment
 * M = Σ (p_k − o_B) × w_k meet the body's angular and linear Jacobian columns.
 *
 * Point activity follows OpenSim's ConditionalPathPoint::isActive: active when the coordinate
 * lies in [range_lo − 1e-5, range_hi + 1e-5] (closed, with that tolerance); a conditional point
 * without a coordinate is never active.
 *
 * OpenSim's MuscleAnalysis gets moment arms from MomentArmSolver (generalised force of a unit
 * tension, GeometryPath::addInEquivalentForces). That route skips segments whose two points lie on
 * the same body, so a MovingPathPoint next to a point on its own body contributes nothing there,
 * whereas −∂l/∂q counts it. We compute −∂l/∂q.
 */
#include <math.h>
#include <string.h>

#include "hipload/model.h"
#include "hipload/muscle.h"
#include "kin_internal.h"

/* Tolerance on a conditional point's range, as OpenSim's ConditionalPathPoint::isActive. */
#define HL_COND_RANGE_TOL 1e-5

static int point_active(const hl_model *m, const double *q, int p) {
  if (m->pt_type[p] != 1) return 1;
  int c = m->pt_cond_coord[p];
  if (c < 0 || c >= m->ncoord) return 0;
  return q[c] >= m->pt_cond_range[2 * p] - HL_COND_RANGE_TOL &&
         q[c] <= m->pt_cond_range[2 * p + 1] + HL_COND_RANGE_TOL;
}

/* Location of point p in its body; for a moving point also d(location_a)/d(q_coord_a) per axis. */
static void point_local(const hl_model *m, const double *q, int p, double loc[3], double dloc[3]) {
  for (int a = 0; a < 3; a++) {
    loc[a] = m->pt_pos[3 * p + a];
    dloc[a] = 0.0;
  }
  if (m->pt_type[p] != 2) return;
  for (int a = 0; a < 3; a++) {
    int c = m->pt_move_coord[3 * p + a], f = m->pt_move_func[3 * p + a];
    if (c < 0 || c >= m->ncoord || f < 0) continue;
    double y, dy, ddy;
    hl_model_function_eval(m, f, q[c], &y, &dy, &ddy);
    loc[a] = y;
    dloc[a] = dy;
  }
}

static void cross3(const double a[3], const double b[3], double out[3]) {
  out[0] = a[1] * b[2] - a[2] * b[1];
  out[1] = a[2] * b[0] - a[0] * b[2];
  out[2] = a[0] * b[1] - a[1] * b[0];
}

static double dot3(const double a[3], const double b[3]) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* Subtract (F·J_lin + M·J_ang) of body b from the compact moment arms mc (mc[i] at column
 * cols[i]) over the columns `cols` (the muscle's own list: a column that does not move b is zero in
 * J and adds nothing). */
static void apply_run(const hl_model *m, const hl_data *d, int b, const double F[3],
                      const double M[3], const int *cols, int ncols, double *mc) {
  const int nq = m->ncoord;
  const double *J = d->body_J + (size_t)6 * nq * b;
  for (int i = 0; i < ncols; i++) {
    int c = cols[i];
    mc[i] -= M[0] * J[c] + M[1] * J[nq + c] + M[2] * J[2 * nq + c] + F[0] * J[3 * nq + c] +
             F[1] * J[4 * nq + c] + F[2] * J[5 * nq + c];
  }
}

static void muscle_geometry(const hl_model *m, hl_data *d, int i, double *mc, double *scr) {
  hl__kin_data *k = hl__kin(d);
  const int nq = m->ncoord, adr = m->mus_path_adr[i], num = m->mus_path_num[i];
  double *ma = d->mus_ma + (size_t)nq * i;
  /* scratch per active point: w (3), offset from the body origin (3), local velocity in ground (3),
   * moving points' d(location)/dq per axis (3); per segment: unit direction (3) */
  double *W = scr, *Rk = scr + 3 * num, *Vl = scr + 6 * num, *Dl = scr + 9 * num;
  double *U = scr + 12 * num;
  /* only the muscle's own columns are ever written; the rest of its row stays zero. They are
   * formed compactly (mc: this muscle's place in mus_ma_c, kin_internal.h) and copied into the
   * dense row at the end. */
  const int *cols = k->mus_cols + k->mus_cols_adr[i], ncols = k->mus_cols_num[i];
  for (int s = 0; s < ncols; s++) mc[s] = 0.0;

  int n = 0;
  for (int j = 0; j < num; j++) {
    int p = adr + j;
    if (!point_active(m, d->q, p)) continue;
    int slot = adr + n, b = m->pt_body[p];
    double loc[3], *dloc = Dl + 3 * n;
    point_local(m, d->q, p, loc, dloc);
    const double *R = d->body_R + 9 * b;
    for (int a = 0; a < 3; a++) {
      d->apt_local[3 * slot + a] = loc[a];
      Rk[3 * n + a] = R[3 * a] * loc[0] + R[3 * a + 1] * loc[1] + R[3 * a + 2] * loc[2];
      d->apt_pos[3 * slot + a] = d->body_p[3 * b + a] + Rk[3 * n + a];
      Vl[3 * n + a] = 0.0;
    }
    if (m->pt_type[p] == 2) /* the point's own motion in its body, in ground */
      for (int a = 0; a < 3; a++) {
        int c = m->pt_move_coord[3 * p + a];
        double rate = c >= 0 && c < nq ? dloc[a] * d->qd[c] : 0.0;
        for (int r = 0; r < 3; r++) Vl[3 * n + r] += R[3 * r + a] * rate;
      }
    d->apt_body[slot] = b;
    k->apt_src[slot] = p;
    n++;
  }
  d->mus_npt[i] = n;

  double len = 0.0;
  for (int s = 0; s + 1 < n; s++) {
    const double *p0 = d->apt_pos + 3 * (adr + s), *p1 = p0 + 3;
    double e[3] = {p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]};
    double L = sqrt(dot3(e, e));
    len += L;
    for (int a = 0; a < 3; a++) U[3 * s + a] = L > 0.0 ? e[a] / L : 0.0; /* coincident: no pull */
  }
  d->mus_len[i] = len;
  for (int s = 0; s < n; s++)
    for (int a = 0; a < 3; a++)
      W[3 * s + a] = (s > 0 ? U[3 * (s - 1) + a] : 0.0) - (s + 1 < n ? U[3 * s + a] : 0.0);

  /* moment arms: body runs, then the moving points' own derivative */
  double speed = 0.0;
  for (int s = 0; s < n;) {
    int b = d->apt_body[adr + s];
    double F[3] = {0, 0, 0}, M[3] = {0, 0, 0};
    for (; s < n && d->apt_body[adr + s] == b; s++) {
      double rw[3];
      cross3(Rk + 3 * s, W + 3 * s, rw);
      for (int a = 0; a < 3; a++) {
        F[a] += W[3 * s + a];
        M[a] += rw[a];
      }
      speed += dot3(W + 3 * s, Vl + 3 * s);
    }
    apply_run(m, d, b, F, M, cols, ncols, mc);
    /* speed of the rigid part: F·v_B + M·ω_B */
    speed += dot3(F, d->body_v + 3 * b) + dot3(M, d->body_w + 3 * b);
  }
  for (int s = 0; s < n; s++) {
    int p = k->apt_src[adr + s];
    if (m->pt_type[p] != 2) continue;
    const double *dloc = Dl + 3 * s;
    const double *R = d->body_R + 9 * d->apt_body[adr + s];
    for (int a = 0; a < 3; a++) {
      int c = m->pt_move_coord[3 * p + a];
      if (c < 0 || c >= nq || dloc[a] == 0.0) continue;
      double g = (R[a] * W[3 * s] + R[3 + a] * W[3 * s + 1] + R[6 + a] * W[3 * s + 2]) * dloc[a];
      int at = 0; /* c's place in the list (a moving point's coordinates are in it) */
      while (at < ncols && cols[at] != c) at++;
      if (at < ncols) mc[at] -= g;
    }
  }
  for (int s = 0; s < ncols; s++) ma[cols[s]] = mc[s];
  d->mus_speed[i] = k->has_qd ? speed : 0.0;
}

hl_status hl_muscle_update(const hl_model *m, hl_data *d, int allow_unsupported, hl_error *err) {
  if (!m || !d || !d->priv)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_muscle_update: %s",
                        !m ? "the model is NULL" : !d ? "the workspace is NULL"
                                                      : "the workspace was not made by hl_kin_create");
  hl__kin_data *k = hl__kin(d);
  if (d->nq != m->ncoord || k->nbody != m->nbody || k->nmuscle != m->nmuscle ||
      k->npathpt != m->npathpt)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                        "hl_muscle_update: workspace was created for another model");
  if (!k->has_state)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                        "hl_muscle_update: no valid state (call hl_kin_update first)");
  if (!allow_unsupported)
    for (int i = 0; i < m->nmuscle; i++)
      if (m->mus_has_wrap[i])
        return hl_error_set(err, HL_ERR_UNSUPPORTED, NULL, 0,
                            "muscle '%s' wraps over a wrap object; path wrapping is not "
                            "implemented (pass allow_unsupported to ignore the wrap)",
                            m->mus_name[i]);
  size_t mc_at = 0; /* muscle i's place in the compact moment arms */
  for (int i = 0; i < m->nmuscle; i++) {
    int num = m->mus_path_num[i], adr = m->mus_path_adr[i];
    if (num < 0 || adr < 0 || adr + num > m->npathpt)
      return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                          "muscle '%s': path points %d..%d outside the model's %d", m->mus_name[i],
                          adr, adr + num - 1, m->npathpt);
    muscle_geometry(m, d, i, k->mus_ma_c + mc_at, d->scratch);
    mc_at += k->mus_cols_num[i];
  }
  return HL_OK;
}
