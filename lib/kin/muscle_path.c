/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — muscle path geometry: active points, wrapping, length, lengthening speed, moment arms.
 *
 * The current path is the list of active path points, in which each wrapping segment gets the two
 * tangent points of its wrap object, fixed in the wrap object's body, as OpenSim's GeometryPath
 * does (applyWrapObjects; docs/wrapping.md): the PathWraps in order, each over the segments of its
 * range — the first mandatory wrap, else the one lengthening the path least; one pass for a path
 * with one PathWrap, up to 8 otherwise, stopping when the length moves by less than 0.5 mm; after
 * the first pass, when the first wrap did not wrap and the second had an end point inside, the
 * first two swap. The length is the sum of the straight segments and the tangent points'
 * surface lengths:
 *   l = Σ_k |p_{k+1} − p_k|   (a surface stretch between two tangent points counts its length).
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
 * tension, GeometryPath::addInEquivalentForces), with the tangent points held on their bodies:
 * −∂l/∂q of this polyline with the tangent points frozen, which is what the formula above gives
 * (a stretch over a surface has its two ends on one body, so it pulls on nothing). It is not the
 * slope of OpenSim's own length when the tangent points are not placed at a stationary length
 * (the single-wrap heuristic); in the exact mode it is. That route also skips segments whose two
 * points lie on the same body, so a MovingPathPoint next to a point on its own body contributes
 * nothing there, whereas −∂l/∂q counts it. We compute −∂l/∂q. With couplers the moment arms are
 * then folded as MomentArmSolver's coupling vector does (include/hipload/coupler.h).
 */
#include <math.h>
#include <string.h>

#include "hipload/coupler.h"
#include "hipload/model.h"
#include "hipload/muscle.h"
#include "hipload/wrap.h"
#include "kin_internal.h"

/* Tolerance on a conditional point's range, as OpenSim's ConditionalPathPoint::isActive. */
#define HL_WRAP_PASS_TOL 0.0005 /* OpenSim's stop between wrap passes, m */
#define HL_WRAP_PASSES 8        /* OpenSim's passes for a path with several wraps */
#define HL_EXACT_PASS_TOL 1e-13 /* exact mode: passes until the length settles to round-off */
#define HL_EXACT_PASSES 500
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


/* ------------------------------------------------------------------------ current path */

/* Entry e fixed in body b at e->loc: its offset from the body origin and its place in ground. */
static inline void place(const hl_data *d, int b, hl__path_ent *e) {
  const double *R = d->body_R + 9 * b, *o = d->body_p + 3 * b;
  for (int a = 0; a < 3; a++) {
    e->off[a] = R[3 * a] * e->loc[0] + R[3 * a + 1] * e->loc[1] + R[3 * a + 2] * e->loc[2];
    e->pos[a] = o[a] + e->off[a];
  }
}

/* The active path points of muscle i, in order, into path[] (moving points' d(location)/dq into
 * Dl, 3 per entry). Returns how many. */
static int active_points(const hl_model *m, const hl_data *d, int i, hl__path_ent *path,
                         double *Dl) {
  const int adr = m->mus_path_adr[i], num = m->mus_path_num[i];
  int n = 0;
  for (int j = 0; j < num; j++) {
    int p = adr + j;
    if (!point_active(m, d->q, p)) continue;
    hl__path_ent *e = path + n;
    int b = m->pt_body[p];
    point_local(m, d->q, p, e->loc, Dl + 3 * n);
    place(d, b, e);
    e->body = b;
    e->src = p;
    e->pw = e->obj = -1;
    e->wlen = 0.0;
    n++;
  }
  return n;
}

/* OpenSim's length of the current path: a pair of tangent points of one wrap object counts the
 * surface length stored with the second. */
static double path_length(const hl__path_ent *path, int n) {
  double len = 0.0;
  for (int s = 0; s + 1 < n; s++) {
    const hl__path_ent *a = path + s, *b = a + 1;
    if (a->obj >= 0 && a->obj == b->obj) {
      len += b->wlen;
    } else {
      double e[3] = {b->pos[0] - a->pos[0], b->pos[1] - a->pos[1], b->pos[2] - a->pos[2]};
      len += sqrt(dot3(e, e));
    }
  }
  return len;
}

/* Remove path wrap pw's two tangent points (adjacent) from the path, with their Dl slots. */
static void remove_wrap_points(hl__path_ent *path, double *Dl, int *n, int pw) {
  for (int s = 0; s + 1 < *n; s++)
    if (path[s].pw == pw) {
      memmove(path + s, path + s + 2, sizeof *path * (size_t)(*n - s - 2));
      memmove(Dl + 3 * s, Dl + 3 * (s + 2), sizeof *Dl * 3 * (size_t)(*n - s - 2));
      *n -= 2;
      return;
    }
}

/* Ground point → wrap frame of object w (and back). */
static void to_wrap(const hl_model *m, const hl_data *d, int w, const double g[3], double o[3]) {
  int b = m->wrap_body[w];
  const double *R = d->body_R + 9 * b, *Rw = m->wrap_R + 9 * w, *pw = m->wrap_p + 3 * w;
  double r[3], l[3];
  for (int i = 0; i < 3; i++) r[i] = g[i] - d->body_p[3 * b + i];
  for (int i = 0; i < 3; i++) l[i] = R[i] * r[0] + R[3 + i] * r[1] + R[6 + i] * r[2] - pw[i];
  for (int i = 0; i < 3; i++) o[i] = Rw[i] * l[0] + Rw[3 + i] * l[1] + Rw[6 + i] * l[2];
}

/* A tangent point of path wrap pw (object w) from its wrap-frame location. */
static void make_tangent(const hl_model *m, const hl_data *d, int pw, int w, const double r[3],
                         double wlen, hl__path_ent *e) {
  const double *Rw = m->wrap_R + 9 * w, *p = m->wrap_p + 3 * w;
  for (int i = 0; i < 3; i++) e->loc[i] = Rw[3 * i] * r[0] + Rw[3 * i + 1] * r[1] + Rw[3 * i + 2] * r[2] + p[i];
  e->body = m->wrap_body[w];
  place(d, e->body, e);
  e->src = -1;
  e->pw = pw;
  e->obj = w;
  e->wlen = wlen;
}

/* One PathWrap over its range of the current path: the segment to wrap (OpenSim: the first
 * mandatory one, else the least lengthening), its tangent points inserted. Returns the result
 * code of the last segment tested, or −1 when the range holds no active point (OpenSim then stops
 * wrapping the whole path). */
static int wrap_one(const hl_model *m, const hl_data *d, int i, int pw, hl__path_ent *path,
                    double *Dl, int *n, unsigned *ev) {
  const int w = m->pw_wrap[pw], adr = m->mus_path_adr[i];
  const int lo = adr + m->pw_range[2 * pw], hi = adr + m->pw_range[2 * pw + 1];
  int first = lo, last = hi, start = -1, end = -1, result = HL_WRAPC_NONE;
  while (first <= hi && !point_active(m, d->q, first)) first++;
  while (last >= lo && !point_active(m, d->q, last)) last--;
  if (first > hi || last < lo) return -1;
  for (int s = 0; s < *n; s++) {
    if (path[s].src == first) start = s;
    if (path[s].src == last) end = s;
  }
  hl_wrap_geom g = {m->wrap_type[w], {m->wrap_dim[3 * w], m->wrap_dim[3 * w + 1], m->wrap_dim[3 * w + 2]},
                    m->wrap_quad_axis[w], m->wrap_quad_sign[w], m->pw_method[pw],
                    m->mus_wrap_num[i] == 1, m->wrap_mode == HL_WRAP_EXACT};
  hl_wrap_seg best, seg;
  int at = -1;
  double best_change = INFINITY;
  for (int s = start; s >= 0 && s < end; s++) {
    const hl__path_ent *a = path + s, *b = a + 1;
    if (a->obj >= 0 && a->obj == b->obj) continue; /* a stretch over a surface */
    double p1[3], p2[3];
    to_wrap(m, d, w, a->pos, p1);
    to_wrap(m, d, w, b->pos, p2);
    hl_wrap_segment(&g, p1, p2, &seg);
    *ev |= seg.events;
    result = seg.code;
    if (seg.code == HL_WRAPC_MANDATORY) {
      best = seg;
      at = seg.ok ? s : -1;
      break;
    }
    if (seg.code != HL_WRAPC_WRAPPED || !seg.ok) continue;
    hl__path_ent t1, t2;
    make_tangent(m, d, pw, w, seg.r1, 0.0, &t1);
    make_tangent(m, d, pw, w, seg.r2, seg.len, &t2);
    double e1[3], e2[3], e0[3];
    for (int k = 0; k < 3; k++) {
      e1[k] = t1.pos[k] - a->pos[k];
      e2[k] = b->pos[k] - t2.pos[k];
      e0[k] = b->pos[k] - a->pos[k];
    }
    double change = sqrt(dot3(e1, e1)) + seg.len + sqrt(dot3(e2, e2)) - sqrt(dot3(e0, e0));
    if (change < best_change) {
      best_change = change;
      best = seg;
      at = s;
    }
  }
  if (at < 0) return result;
  memmove(path + at + 3, path + at + 1, sizeof *path * (size_t)(*n - at - 1));
  memmove(Dl + 3 * (at + 3), Dl + 3 * (at + 1), sizeof *Dl * 3 * (size_t)(*n - at - 1));
  make_tangent(m, d, pw, w, best.r1, 0.0, path + at + 1);
  make_tangent(m, d, pw, w, best.r2, best.len, path + at + 2);
  memset(Dl + 3 * (at + 1), 0, 6 * sizeof *Dl);
  *n += 2;
  return result;
}

/* OpenSim's passes of muscle i's PathWraps over its current path. */
static void apply_wraps(const hl_model *m, hl_data *d, int i, hl__path_ent *path, double *Dl,
                        int *n, unsigned *ev) {
  hl__kin_data *k = hl__kin(d);
  const int nw = m->mus_wrap_num[i], adr = m->mus_wrap_adr[i];
  const int exact = m->wrap_mode == HL_WRAP_EXACT;
  const int passes = nw < 2 ? 1 : exact ? HL_EXACT_PASSES : HL_WRAP_PASSES;
  const double tol = exact ? HL_EXACT_PASS_TOL : HL_WRAP_PASS_TOL;
  int *order = k->wrap_order, *result = k->wrap_result, settled = nw < 2;
  for (int o = 0; o < nw; o++) order[o] = o;
  double last = INFINITY;
  for (int kk = 0; kk < passes; kk++) {
    for (int o = 0; o < nw; o++) {
      int pw = adr + order[o];
      result[o] = HL_WRAPC_NONE;
      remove_wrap_points(path, Dl, n, pw);
      if (!m->wrap_active[m->pw_wrap[pw]]) continue;
      result[o] = wrap_one(m, d, i, pw, path, Dl, n, ev);
      if (result[o] < 0) {
        *ev |= HL_WRAPEV_ABORTED;
        return;
      }
    }
    double len = path_length(path, *n);
    if (fabs(len - last) < tol) {
      settled = 1;
      break;
    }
    last = len;
    if (kk == 0 && nw > 1 && result[0] == HL_WRAPC_NONE && result[1] == HL_WRAPC_INSIDE) {
      order[0] = 1;
      order[1] = 0;
      remove_wrap_points(path, Dl, n, adr);
    }
  }
  if (!settled) *ev |= HL_WRAPEV_NOCONV;
}

/* ------------------------------------------------------------------------ geometry */

/* OpenSim's coupling vector on muscle i's compact moment arms (see include/hipload/coupler.h):
 * r_ind += f' r_dep, and r_dep = r_ind / f' (0 when f' = 0: the dependent coordinate cannot
 * move). Both coordinates are in the muscle's list when the dependent one is. */
static void fold_couplers(const hl_model *m, const hl_data *d, const int *cols, int ncols,
                          double *mc) {
  for (int k = 0; k < m->ncoupler; k++) {
    int pd = -1, pi = -1;
    for (int s = 0; s < ncols; s++) {
      if (cols[s] == m->cpl_dep[k]) pd = s;
      if (cols[s] == m->cpl_ind[k]) pi = s;
    }
    if (pd < 0 || pi < 0) continue;
    double sl = hl_coupler_slope(m, k, d->q);
    mc[pi] += sl * mc[pd];
    mc[pd] = sl != 0.0 ? mc[pi] / sl : 0.0;
  }
}

static void muscle_geometry(const hl_model *m, hl_data *d, int i, int allow_unsupported,
                            double *mc, double *scr) {
  hl__kin_data *k = hl__kin(d);
  const int nq = m->ncoord, cap = k->path_cap, slot0 = d->mus_apt_adr[i];
  double *ma = d->mus_ma + (size_t)nq * i;
  /* scratch per active point: w (3), offset from the body origin (3), local velocity in ground (3),
   * moving points' d(location)/dq per axis (3); per segment: unit direction (3) */
  double *W = scr, *Rk = scr + 3 * cap, *Vl = scr + 6 * cap, *Dl = scr + 9 * cap;
  double *U = scr + 12 * cap;
  hl__path_ent *path = k->path;
  /* only the muscle's own columns are ever written; the rest of its row stays zero. They are
   * formed compactly (mc: this muscle's place in mus_ma_c, kin_internal.h) and copied into the
   * dense row at the end. */
  const int *cols = k->mus_cols + k->mus_cols_adr[i], ncols = k->mus_cols_num[i];
  for (int s = 0; s < ncols; s++) mc[s] = 0.0;

  unsigned ev = 0;
  int n = active_points(m, d, i, path, Dl);
  if (!allow_unsupported && m->mus_wrap_num && m->mus_wrap_num[i] > 0)
    apply_wraps(m, d, i, path, Dl, &n, &ev);
  for (int s = 0; s < n; s++) {
    const hl__path_ent *e = path + s;
    int slot = slot0 + s, b = e->body, p = e->src;
    const double *R = d->body_R + 9 * b;
    for (int a = 0; a < 3; a++) {
      d->apt_local[3 * slot + a] = e->loc[a];
      d->apt_pos[3 * slot + a] = e->pos[a];
      Rk[3 * s + a] = e->off[a];
      Vl[3 * s + a] = 0.0;
    }
    if (p >= 0 && m->pt_type[p] == 2) /* the point's own motion in its body, in ground */
      for (int a = 0; a < 3; a++) {
        int c = m->pt_move_coord[3 * p + a];
        double rate = c >= 0 && c < nq ? Dl[3 * s + a] * d->qd[c] : 0.0;
        for (int r = 0; r < 3; r++) Vl[3 * s + r] += R[3 * r + a] * rate;
      }
    d->apt_body[slot] = b;
    d->apt_wrap[slot] = e->pw;
    k->apt_src[slot] = p;
  }
  d->mus_npt[i] = n;

  double len = 0.0;
  for (int s = 0; s + 1 < n; s++) {
    const hl__path_ent *a = path + s, *b = a + 1;
    if (a->obj >= 0 && a->obj == b->obj) { /* over the surface: fixed on one body, no pull */
      len += b->wlen;
      U[3 * s] = U[3 * s + 1] = U[3 * s + 2] = 0.0;
      continue;
    }
    double e[3] = {b->pos[0] - a->pos[0], b->pos[1] - a->pos[1], b->pos[2] - a->pos[2]};
    double L = sqrt(dot3(e, e));
    len += L;
    if (!(L > 0.0)) ev |= HL_WRAPEV_COINCIDENT;
    for (int c = 0; c < 3; c++) U[3 * s + c] = L > 0.0 ? e[c] / L : 0.0; /* coincident: no pull */
  }
  d->mus_len[i] = len;
  d->mus_wrap_events[i] = ev;
  for (int s = 0; s < n; s++)
    for (int a = 0; a < 3; a++)
      W[3 * s + a] = (s > 0 ? U[3 * (s - 1) + a] : 0.0) - (s + 1 < n ? U[3 * s + a] : 0.0);

  /* moment arms: body runs, then the moving points' own derivative */
  double speed = 0.0;
  for (int s = 0; s < n;) {
    int b = path[s].body;
    double F[3] = {0, 0, 0}, M[3] = {0, 0, 0};
    for (; s < n && path[s].body == b; s++) {
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
    int p = path[s].src;
    if (p < 0 || m->pt_type[p] != 2) continue;
    const double *dloc = Dl + 3 * s;
    const double *R = d->body_R + 9 * path[s].body;
    for (int a = 0; a < 3; a++) {
      int c = m->pt_move_coord[3 * p + a];
      if (c < 0 || c >= nq || dloc[a] == 0.0) continue;
      double g = (R[a] * W[3 * s] + R[3 + a] * W[3 * s + 1] + R[6 + a] * W[3 * s + 2]) * dloc[a];
      int at = 0; /* c's place in the list (a moving point's coordinates are in it) */
      while (at < ncols && cols[at] != c) at++;
      if (at < ncols) mc[at] -= g;
    }
  }
  if (m->ncoupler > 0) fold_couplers(m, d, cols, ncols, mc);
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
      k->npathpt != m->npathpt || k->nslot != m->npathpt + 2 * m->npathwrap)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                        "hl_muscle_update: workspace was created for another model");
  if (!k->has_state)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                        "hl_muscle_update: no valid state (call hl_kin_update first)");
  size_t mc_at = 0; /* muscle i's place in the compact moment arms */
  for (int i = 0; i < m->nmuscle; i++) {
    int num = m->mus_path_num[i], adr = m->mus_path_adr[i];
    if (num < 0 || adr < 0 || adr + num > m->npathpt)
      return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                          "muscle '%s': path points %d..%d outside the model's %d", m->mus_name[i],
                          adr, adr + num - 1, m->npathpt);
    muscle_geometry(m, d, i, allow_unsupported, k->mus_ma_c + mc_at, d->scratch);
    mc_at += k->mus_cols_num[i];
  }
  return HL_OK;
}
