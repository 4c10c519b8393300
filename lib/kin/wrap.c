/* SPDX-License-Identifier: Apache-2.0 */
/* Wrap surfaces: one path segment against one wrap object (include/hipload/wrap.h).
 *
 * The cylinder follows OpenSim 4.6's WrapCylinder step by step, because OpenSim's moment arms
 * are those of the tangent points it places, not of a shortest path (docs/wrapping.md):
 *  1. an end point within the radius of the (infinite) axis: no wrap;
 *  2. the segment's line and the axis: their closest points; a "hit" is a closest distance below
 *     the radius strictly between the end points;
 *  3. the exact 2-D tangent points from each end point (two each), the pair chosen by the short
 *     way round, or by the quadrant's decision table;
 *  4. the heights of the tangent points: slid along the cylinder to the plane through both end
 *     points and an "apex" on the cylinder (the heuristic), or the exact geodesic heights;
 *  5. both tangent points beyond the caps: no wrap;
 *  6. the helix between them; on paths with several wraps, the tangent points are moved towards
 *     tangency with the helix as OpenSim does.
 * Tolerances that decide branches are OpenSim's (2e-13 for parallel lines, 1e-5 for a segment
 * meeting a plane). */
#include "hipload/wrap.h"

#include <math.h>
#include <string.h>

#include "hipload/model.h"

#define PI 3.14159265358979323846
#define PARALLEL_TOL 2e-13     /* |u1 × u2|² below this: parallel lines */
#define PLANE_TOL 1e-5         /* a segment meeting a plane: |cos| and parameter slack */
#define SLIDE_HALF 10.0        /* the tangent point slides at most this far (model units) */
#define COS2_TANGENCY_TOL 0.9999969538288952 /* cos²(0.1°): OpenSim's tangency within 0.1° */
#define MAX_TANGENCY_RESTARTS 100
#define HELIX_STEP 0.002       /* helix sampled every 2 mm for the tangency test */

/* ----------------------------------------------------------------------- small vectors */

static inline double dot3(const double a[3], const double b[3]) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
static inline void sub3(const double a[3], const double b[3], double o[3]) {
  o[0] = a[0] - b[0];
  o[1] = a[1] - b[1];
  o[2] = a[2] - b[2];
}
static inline void cross3(const double a[3], const double b[3], double o[3]) {
  double x = a[1] * b[2] - a[2] * b[1], y = a[2] * b[0] - a[0] * b[2], z = a[0] * b[1] - a[1] * b[0];
  o[0] = x;
  o[1] = y;
  o[2] = z;
}
static inline double norm3(const double a[3]) { return sqrt(dot3(a, a)); }
/* o = a / |a|, or 0 when |a| is 0; returns |a|. */
static inline double unit3(const double a[3], double o[3]) {
  double n = norm3(a);
  for (int i = 0; i < 3; i++) o[i] = n > 0.0 ? a[i] / n : 0.0;
  return n;
}
static inline double dist2(const double a[3], const double b[3]) {
  double d[3];
  sub3(a, b, d);
  return dot3(d, d);
}
static inline void copy3(double o[3], const double a[3]) { memcpy(o, a, 3 * sizeof(double)); }
/* OpenSim's DSIGN: +1 for x ≥ 0, else −1 (NaN included). */
static inline int side(double x) { return x >= 0.0 ? 1 : -1; }

/* --------------------------------------------------------------------------- cylinder */

typedef struct cyl {
  double R, half;               /* radius, half length */
  const double *p1, *p2;
  double f1[3], f2[3];          /* feet of p1, p2 on the axis */
  double rho1, rho2;            /* distances of p1, p2 from the axis */
  double a1[3], b1[3], a2[3], b2[3]; /* tangent point candidates */
  double near[3];               /* point of the segment's line nearest the axis */
  double s;                     /* its parameter (fraction of p1 → p2), NaN when parallel */
  int hit;                      /* the line passes within R of the axis between p1 and p2 */
} cyl;

/* Step 2: the point of the segment's line nearest the (infinite) axis, and its parameter as a
 * fraction of p1 → p2; NaN when the line is parallel to the axis (OpenSim's test: the squared
 * sine of their angle at most 2e-13). The common perpendicular is horizontal, so this is the
 * nearest approach of the line's projection to the origin. */
static void axis_approach(const double p1[3], const double p2[3], cyl *c) {
  double d[3];
  sub3(p2, p1, d);
  double dh = d[0] * d[0] + d[1] * d[1], dd = dh + d[2] * d[2];
  if (!(dh > PARALLEL_TOL * dd)) {
    c->s = c->near[0] = c->near[1] = c->near[2] = NAN;
    return;
  }
  c->s = -(p1[0] * d[0] + p1[1] * d[1]) / dh;
  for (int i = 0; i < 3; i++) c->near[i] = p1[i] + c->s * d[i];
}

/* The two tangent points from p (foot f, distance rho) on the circle of radius R at p's height. */
static void cyl_candidates(double R, const double p[3], double rho, double ta[3], double tb[3]) {
  double v[3] = {p[0] / rho, p[1] / rho, 0.0};
  double k = R * (R / rho), h = sqrt(R * R - k * k);
  double w[3] = {-v[1], v[0], 0.0}; /* z × v */
  for (int i = 0; i < 2; i++) {
    double c = k * v[i];
    ta[i] = c + h * w[i];
    tb[i] = c - h * w[i];
  }
  ta[2] = tb[2] = p[2];
}

/* Angle between the radial parts (from the feet) of two points, by acos as OpenSim compares it. */
static double radial_angle(const double a[3], const double b[3]) {
  double na = hypot(a[0], a[1]), nb = hypot(b[0], b[1]);
  return acos((a[0] * b[0] + a[1] * b[1]) / (na * nb));
}

/* Step 3 with a quadrant: OpenSim's decision table. Returns the code (NONE ends the test), sets
 * r1, r2, the far-side flag of the apex choice and the long-wrap flag. */
static int cyl_pick_quadrant(const cyl *c, int ax, int sg, int code, double r1[3], double r2[3],
                             int *far, int *lng) {
  const double *p1 = c->p1, *p2 = c->p2;
  if (side(p1[ax]) == sg || side(p2[ax]) == sg) {
    if (c->hit) code = HL_WRAPC_MANDATORY;
    else if (side(p1[ax]) != side(p2[ax]) && side(c->near[ax]) != sg) code = HL_WRAPC_WRAPPED;
    else return HL_WRAPC_NONE;
  }
  double alpha = radial_angle(c->a1, c->b2), beta = radial_angle(c->b1, c->a2);
  int gt = alpha > beta; /* false with NaN, as OpenSim */
  int A1 = side(c->a1[ax]) == sg, B1 = side(c->b1[ax]) == sg;
  int A2 = side(c->a2[ax]) == sg, B2 = side(c->b2[ax]) == sg;
  int use_b1a2; /* 1: (b1, a2); 0: (a1, b2) */
  if (A1 && B1) {
    use_b1a2 = A2;
    *far = A2 ? !gt : gt;
  } else if (A1) {
    use_b1a2 = 0;
    *far = gt;
  } else if (B1) {
    use_b1a2 = 1;
    *far = !gt;
  } else if (A2) {
    use_b1a2 = 1;
    *far = !gt;
  } else if (B2) {
    use_b1a2 = 0;
    *far = gt;
  } else {
    use_b1a2 = !gt;
    *far = 1;
  }
  copy3(r1, use_b1a2 ? c->b1 : c->a1);
  copy3(r2, use_b1a2 ? c->a2 : c->b2);
  double sm[3], sr[3];
  for (int i = 0; i < 3; i++) {
    sm[i] = (r1[i] - p1[i]) + (r2[i] - p2[i]);
    sr[i] = (r1[i] - c->f1[i]) + (r2[i] - c->f2[i]);
  }
  *lng = dot3(sr, sm) < 0.0;
  return code;
}

/* Step 3 without a quadrant: the pair whose radial directions agree most (the short way). */
static void cyl_pick_all(const cyl *c, double r1[3], double r2[3]) {
  double ua[3], ub[3], va[3], vb[3], t[3];
  sub3(c->a1, c->f1, t);
  unit3(t, ua);
  sub3(c->b1, c->f1, t);
  unit3(t, ub);
  sub3(c->a2, c->f2, t);
  unit3(t, va);
  sub3(c->b2, c->f2, t);
  unit3(t, vb);
  double d1 = dot3(ua, va), d2 = dot3(ua, vb), d3 = dot3(ub, va), d4 = dot3(ub, vb);
  const double *x1, *x2;
  if (d1 > d2 && d1 > d3 && d1 > d4) x1 = c->a1, x2 = c->a2;
  else if (d2 > d3 && d2 > d4) x1 = c->a1, x2 = c->b2;
  else if (d3 > d4) x1 = c->b1, x2 = c->a2;
  else x1 = c->b1, x2 = c->b2;
  copy3(r1, x1);
  copy3(r2, x2);
}

/* Step 4, OpenSim's heuristic: the apex on the cylinder below the point of the segment that
 * divides it as rho1 : rho2, the plane through p1, p2 and the apex, and each tangent point slid
 * along its generator to that plane when that brings it nearer the other end's height. */
/* Unit normal n of the plane through p1, p2 and o: normalize(unit(p1 − o) × unit(p2 − o)). */
static void plane_normal(const double p1[3], const double p2[3], const double o[3], double n[3]) {
  double u[3], w[3];
  sub3(p1, o, u);
  unit3(u, u);
  sub3(p2, o, w);
  unit3(w, w);
  cross3(u, w, n);
  unit3(n, n);
}

static void cyl_slide(const cyl *c, int far, double r1[3], double r2[3]) {
  const double *p1 = c->p1, *p2 = c->p2;
  double t = c->rho1 / (c->rho1 + c->rho2), mpt[3], axp[3], n[3], v1[3];
  for (int i = 0; i < 3; i++) mpt[i] = p1[i] + t * (p2[i] - p1[i]);
  axp[0] = axp[1] = 0.0;
  axp[2] = mpt[2];
  plane_normal(p1, p2, axp, n);
  double zz[3] = {0, 0, 1};
  cross3(zz, n, v1);
  unit3(v1, v1);
  double ap1[3], ap2[3];
  for (int i = 0; i < 3; i++) {
    ap1[i] = axp[i] + c->R * v1[i];
    ap2[i] = axp[i] - c->R * v1[i];
  }
  int nearer1 = dist2(mpt, ap1) < dist2(mpt, ap2);
  const double *apex = (far ? !nearer1 : nearer1) ? ap1 : ap2;
  double pn[3];
  plane_normal(p1, p2, apex, pn);
  double d = -dot3(p1, pn);
  double z1 = c->f1[2], z2 = c->f2[2];
  double *rr[2] = {r1, r2};
  for (int k = 0; k < 2; k++) {
    double *r = rr[k];
    double dp = 2.0 * SLIDE_HALF * pn[2]; /* the segment r ∓ 10 z against the plane */
    if (!(fabs(dp) >= PLANE_TOL)) continue;
    double lo = r[2] - SLIDE_HALF;
    double tt = (-d - pn[0] * r[0] - pn[1] * r[1] - pn[2] * lo) / dp;
    if (tt < -PLANE_TOL || tt > 1.0 + PLANE_TOL) continue;
    double z = lo + tt * 2.0 * SLIDE_HALF;
    /* accepted when the slid height is nearer the other end's than this end's own is. OpenSim
     * measures along a line whose direction is p2's foot taken as a vector, for both points: with
     * p2 at height exactly 0 it has none and nothing slides. */
    double zo = k == 0 ? z2 : z1, zs = k == 0 ? z1 : z2;
    if (z2 != 0.0 && (z - zo) * (z - zo) < (zs - zo) * (zs - zo)) r[2] = z;
  }
}

/* Step 4, exact: heights of the geodesic on the unrolled cylinder. phi is the angle on the side
 * chosen. */
static void cyl_exact_heights(const cyl *c, double phi, double r1[3], double r2[3]) {
  double R = c->R;
  double s1 = sqrt(c->rho1 * c->rho1 - R * R), s2 = sqrt(c->rho2 * c->rho2 - R * R);
  double D = s1 + R * phi + s2, dz = c->p2[2] - c->p1[2];
  if (!(D > 0.0)) return;
  r1[2] = c->p1[2] + dz * s1 / D;
  r2[2] = c->p1[2] + dz * (s1 + R * phi) / D;
}

/* Signed angle about +z from the radial direction of a to that of b. */
static double signed_angle(const double a[3], const double b[3]) {
  return atan2(a[0] * b[1] - a[1] * b[0], a[0] * b[0] + a[1] * b[1]);
}

/* OpenSim's tangency correction, for one end: p the end point, r its tangent point, w the helix
 * sample next to r. When the angles of p → r and r → w to the axis differ by more than 0.1°, r
 * moves 1.5 times towards the point of its generator nearest the line p → w, and OpenSim starts
 * the helix again (at most 100 times). The points' positions round the axis never change (r only
 * slides along its generator, w is the helix point at a fixed turn from r while the number of
 * samples stays), so what depends on them is formed once: the horizontal distances h_pr (p to r)
 * and h_rw (r to w), and s, where the line p → w passes the generator — the closest point of a
 * line to a vertical line is found in the horizontal plane alone. */
typedef struct tangency {
  double h_pr, h_rw, s;
} tangency;

static void tangency_init(const double p[3], const double r[3], const double w[3], tangency *t) {
  double dx = w[0] - p[0], dy = w[1] - p[1];
  t->h_pr = hypot(r[0] - p[0], r[1] - p[1]);
  t->h_rw = hypot(w[0] - r[0], w[1] - r[1]);
  double dd = dx * dx + dy * dy;
  t->s = dd > 0.0 ? ((r[0] - p[0]) * dx + (r[1] - p[1]) * dy) / dd : NAN;
}

/* One correction of height *rz (end height pz, sample height wz). Returns 1 when it moved. */
static int tangency_step(const tangency *t, double pz, double *rz, double wz) {
  /* the angles to the axis, a = angle(p → r), b = angle(r → w), compared by cos(a − b) (both in
   * [0, π], so it falls as |a − b| grows): cos(a − b) = (v1 v2 + h1 h2) / (l1 l2) < cos 0.1°,
   * squared so that no root is taken */
  double v1 = *rz - pz, v2 = wz - *rz, h1 = t->h_pr, h2 = t->h_rw;
  double num = v1 * v2 + h1 * h2;
  int off = num < 0.0 || num * num < COS2_TANGENCY_TOL * ((h1 * h1 + v1 * v1) * (h2 * h2 + v2 * v2));
  if (!off || !(t->s == t->s)) return 0;
  *rz += 1.5 * (pz + t->s * (wz - pz) - *rz);
  return 1;
}

/* Step 6: the helix length; with several wraps on the path, OpenSim's tangency restarts. Each
 * restart needs only the helix's sample count n = ⌊length / 2 mm⌋, found from the squared length
 * while it stays between n and n + 1 steps. */
static double cyl_helix(const cyl *c, int lng, int correct, const double *p1, const double *p2,
                        double r1[3], double r2[3]) {
  double R = c->R, th = signed_angle(r1, r2), ang = th;
  if (lng) ang = th > 0 ? th - 2.0 * PI : th + 2.0 * PI; /* the other way round */
  double turn = lng ? 2.0 * PI - th : fabs(th);          /* OpenSim: 2π − θ (signed θ) */
  double th0 = atan2(r1[1], r1[0]), arc2 = R * turn * R * turn;
  tangency t1 = {0, 0, NAN}, t2 = {0, 0, NAN};
  int nsamp = -1;
  double lo2 = 0.0, hi2 = -1.0; /* squared lengths of nsamp and nsamp + 1 steps */
  for (int it = 0; correct && it < MAX_TANGENCY_RESTARTS; it++) {
    double dz = r2[2] - r1[2], len2 = arc2 + dz * dz;
    if (!(len2 >= lo2 && len2 < hi2)) {
      int n = (int)(sqrt(len2) / HELIX_STEP);
      if (n < 2) break;
      double w1[3] = {R * cos(th0 + ang / n), R * sin(th0 + ang / n), 0.0};
      double w2[3] = {R * cos(th0 + ang * (1.0 - 1.0 / n)), R * sin(th0 + ang * (1.0 - 1.0 / n)), 0.0};
      tangency_init(p1, r1, w1, &t1);
      tangency_init(p2, r2, w2, &t2);
      nsamp = n;
      lo2 = (n * HELIX_STEP) * (n * HELIX_STEP);
      hi2 = ((n + 1) * HELIX_STEP) * ((n + 1) * HELIX_STEP);
    }
    double w1z = r1[2] + dz / nsamp, w2z = r1[2] + dz * (1.0 - 1.0 / nsamp);
    int moved = tangency_step(&t1, p1[2], &r1[2], w1z);
    moved |= tangency_step(&t2, p2[2], &r2[2], w2z);
    if (!moved) break;
  }
  double dz = r2[2] - r1[2];
  return sqrt(arc2 + dz * dz);
}

void hl_wrap_cylinder(const hl_wrap_geom *g, const double p1[3], const double p2[3],
                      hl_wrap_seg *out) {
  memset(out, 0, sizeof *out);
  cyl c;
  c.R = g->dim[0];
  c.half = g->dim[1] / 2.0;
  c.p1 = p1;
  c.p2 = p2;
  double R2 = c.R * c.R, q1 = p1[0] * p1[0] + p1[1] * p1[1], q2 = p2[0] * p2[0] + p2[1] * p2[1];
  if (q1 < R2 || q2 < R2) {
    out->code = HL_WRAPC_INSIDE;
    out->events = HL_WRAPEV_INSIDE;
    return;
  }
  axis_approach(p1, p2, &c);
  c.hit = c.near[0] * c.near[0] + c.near[1] * c.near[1] < R2 && c.s > 0.0 && c.s < 1.0;
  int code = HL_WRAPC_WRAPPED, far = 0, lng = 0;
  if (g->sign == 0) {
    if (!c.hit) return;
    code = HL_WRAPC_MANDATORY;
  }
  c.rho1 = sqrt(q1);
  c.rho2 = sqrt(q2);
  c.f1[0] = c.f1[1] = c.f2[0] = c.f2[1] = 0.0;
  c.f1[2] = p1[2];
  c.f2[2] = p2[2];
  cyl_candidates(c.R, p1, c.rho1, c.a1, c.b1);
  cyl_candidates(c.R, p2, c.rho2, c.a2, c.b2);
  double r1[3], r2[3];
  if (g->sign != 0) {
    code = cyl_pick_quadrant(&c, g->axis, g->sign, code, r1, r2, &far, &lng);
    if (code == HL_WRAPC_NONE) return;
  } else {
    cyl_pick_all(&c, r1, r2);
  }
  if (g->exact) {
    double th = fabs(signed_angle(r1, r2));
    cyl_exact_heights(&c, lng ? 2.0 * PI - th : th, r1, r2);
  } else {
    cyl_slide(&c, far, r1, r2);
  }
  int out1 = r1[2] < -c.half || r1[2] > c.half, out2 = r2[2] < -c.half || r2[2] > c.half;
  if (out1 && out2) {
    out->events = HL_WRAPEV_CAPS;
    return;
  }
  out->len = cyl_helix(&c, lng, !g->single && !g->exact, p1, p2, r1, r2);
  copy3(out->r1, r1);
  copy3(out->r2, r2);
  out->code = code;
  out->ok = 1;
  if (lng) out->events |= HL_WRAPEV_LONG;
}

/* ----------------------------------------------------------------------------- sphere */

/* The tangent points from p (outside the sphere of radius R) in the plane of unit normal n
 * through the centre: ta and tb, at angle asin(R/|p|) either side of p → centre. */
static void sphere_candidates(double R, const double p[3], const double n[3], double ta[3],
                              double tb[3]) {
  double d = norm3(p), y[3], z[3];
  for (int i = 0; i < 3; i++) y[i] = -p[i] / d;
  cross3(n, y, z);
  double a = asin(R / d), cs = cos(a), sn = sin(a), k = d * cs;
  for (int i = 0; i < 3; i++) {
    ta[i] = p[i] + k * (cs * y[i] - sn * z[i]);
    tb[i] = p[i] + k * (cs * y[i] + sn * z[i]);
  }
}

/* OpenSim's quadrant rules for a sphere (the straight segment is known to cross the sphere).
 * cand: the candidates a1, b1, a2, b2; r1/r2 hold the shortest pair, o1/o2 the others.
 * Returns the code; sets *far. */
static int sphere_quadrant(const hl_wrap_geom *g, const double p1[3], const double p2[3],
                           const double u12[3], const double *cand[4], double r1[3],
                           double r2[3], double o1[3], double o2[3], int *far) {
  int ax = g->axis, sg = g->sign, code = HL_WRAPC_WRAPPED;
  if (side(p1[ax]) == sg || side(p2[ax]) == sg) {
    /* closest point of the line to the centre; OpenSim measures its position from p1 in
     * metres, not as a fraction, and compares it with (0, 1) */
    double tl = dot3(p1, u12), mm[3];
    for (int i = 0; i < 3; i++) mm[i] = p1[i] - tl * u12[i];
    if (dot3(mm, mm) < g->dim[0] * g->dim[0] && tl > 0.0 && tl < 1.0) code = HL_WRAPC_MANDATORY;
    else if (side(p1[ax]) != side(p2[ax]) && side(mm[ax]) != sg) code = HL_WRAPC_WRAPPED;
    else return HL_WRAPC_NONE;
  }
  if (side(p1[ax]) == sg && side(p2[ax]) == sg) return code;
  double sm[3], ua[3], ub[3];
  for (int i = 0; i < 3; i++) sm[i] = -p1[i] - p2[i];
  unit3(sm, sm);
  double *rr[2] = {r1, r2}, *oo[2] = {o1, o2};
  for (int k = 0; k < 2; k++) { /* the candidate facing the centre more (b on a tie) */
    unit3(cand[2 * k], ua);
    unit3(cand[2 * k + 1], ub);
    int a = dot3(ua, sm) > dot3(ub, sm);
    copy3(rr[k], cand[2 * k + !a]);
    copy3(oo[k], cand[2 * k + a]);
  }
  for (int i = 0; i < 3; i++) sm[i] = (r1[i] - p1[i]) + (r2[i] - p2[i]);
  unit3(sm, sm);
  if (sg * sm[ax] < 0.0) { /* flip to the other pair */
    copy3(r1, o1);
    copy3(r2, o2);
  }
  double sr[3];
  for (int i = 0; i < 3; i++) {
    sm[i] = (r1[i] - p1[i]) + (r2[i] - p2[i]);
    sr[i] = r1[i] + r2[i];
  }
  *far = dot3(sr, sm) < 0.0;
  return code;
}

void hl_wrap_sphere(const hl_wrap_geom *g, const double p1[3], const double p2[3],
                    hl_wrap_seg *out) {
  memset(out, 0, sizeof *out);
  double R = g->dim[0];
  if (norm3(p1) < R || norm3(p2) < R) {
    out->code = HL_WRAPC_INSIDE;
    out->events = HL_WRAPEV_INSIDE;
    return;
  }
  double ri[3];
  sub3(p1, p2, ri);
  double a = dot3(ri, ri), b = 2.0 * dot3(p2, ri), c = dot3(p2, p2) - R * R;
  double disc = b * b - 4.0 * a * c;
  if (disc < 0.0) return;
  double l1 = (-b + sqrt(disc)) / (2.0 * a), l2 = (-b - sqrt(disc)) / (2.0 * a);
  if (!(l1 > 0.0 && l1 < 1.0) || !(l2 > 0.0 && l2 < 1.0) || l1 < l2) return;
  double u12[3], np2[3], n[3];
  unit3(ri, u12);
  unit3(p2, np2);
  cross3(u12, np2, n);
  if (norm3(n) < 1e-5) { /* through the centre: any plane holds the segment; take a fixed one */
    int k = fabs(u12[0]) <= fabs(u12[1]) && fabs(u12[0]) <= fabs(u12[2]) ? 0 : fabs(u12[1]) <= fabs(u12[2]) ? 1 : 2;
    double e[3] = {0, 0, 0};
    e[k] = 1.0;
    cross3(u12, e, n);
    out->events |= HL_WRAPEV_DEGENERATE;
  }
  unit3(n, n);
  double ta1[3], tb1[3], ta2[3], tb2[3], ua1[3], ub1[3], ua2[3], ub2[3];
  sphere_candidates(R, p1, n, ta1, tb1);
  sphere_candidates(R, p2, n, ta2, tb2);
  unit3(ta1, ua1);
  unit3(tb1, ub1);
  unit3(ta2, ua2);
  unit3(tb2, ub2);
  double j1 = dot3(ua1, ua2), j2 = dot3(ua1, ub2), j3 = dot3(ub1, ua2), j4 = dot3(ub1, ub2);
  int pick1a = (j1 > j2 && j1 > j3 && j1 > j4) || (j2 > j3 && j2 > j4);
  int pick2a = (j1 > j2 && j1 > j3 && j1 > j4) || (!(j2 > j3 && j2 > j4) && j3 > j4);
  double r1[3], r2[3], o1[3], o2[3];
  copy3(r1, pick1a ? ta1 : tb1);
  copy3(o1, pick1a ? tb1 : ta1);
  copy3(r2, pick2a ? ta2 : tb2);
  copy3(o2, pick2a ? tb2 : ta2);
  int code = HL_WRAPC_WRAPPED, far = 0;
  if (g->sign != 0) {
    const double *cand[4] = {ta1, tb1, ta2, tb2};
    code = sphere_quadrant(g, p1, p2, u12, cand, r1, r2, o1, o2, &far);
    if (code == HL_WRAPC_NONE) return;
  }
  double n1[3], n2[3];
  unit3(r1, n1);
  unit3(r2, n2);
  double ang = acos(dot3(n1, n2));
  /* the far side: OpenSim stores −(2π − angle), a negative length (kept in OpenSim mode) */
  if (far) ang = g->exact ? 2.0 * PI - ang : -(2.0 * PI - ang);
  out->len = R * ang;
  copy3(out->r1, r1);
  copy3(out->r2, r2);
  out->code = code;
  out->ok = 1;
  if (far) out->events |= HL_WRAPEV_LONG;
}

/* -------------------------------------------------------------------------- ellipsoid */

#define ELL_INSIDE_TOL 1e-4    /* OpenSim: an end point inside when its level is below −1e-4 */
#define ELL_COLLINEAR_TOL 1e-4 /* centre → p1 and centre → p2 within this of parallel: no wrap */
#define MU_BLEND_MIN 0.7073    /* OpenSim's hybrid method: all fan below, all axial above */
#define MU_BLEND_MAX 0.9
#define FAN_SAMPLES 300
#define SV_BOUNDARY_BLEND 0.3
#define ELL_SEGMENT 0.001      /* the surface path is measured in chords of about 1 mm */
#define ELL_MAX_SEGMENTS 499

/* Root t of Σ_k (a_k u_k / (t + a_k²))² = 1 over the n given axes (the parameter of the
 * closest point x_k = a_k² u_k / (t + a_k²)): Newton on a convex decreasing function, from
 * OpenSim's starting guesses, with bisection when a step leaves the bracket. */
static double closest_param(int n, const double *a, const double *u) {
  double amin2 = INFINITY, amax = 0, uu = 0, lvl = 0;
  for (int k = 0; k < n; k++) {
    if (u[k] != 0.0 && a[k] * a[k] < amin2) amin2 = a[k] * a[k];
    if (a[k] > amax) amax = a[k];
    uu += u[k] * u[k];
    lvl += (u[k] / a[k]) * (u[k] / a[k]);
  }
  if (!(amin2 < INFINITY)) return 0.0; /* the centre: any point of the smallest axis */
  double lo = -amin2, hi = INFINITY, t = lvl < 1.0 ? 0.0 : amax * sqrt(uu);
  for (int it = 0; it < 200; it++) {
    double g = -1.0, dg = 0.0;
    for (int k = 0; k < n; k++) {
      double den = t + a[k] * a[k], q = a[k] * u[k] / den;
      g += q * q;
      dg -= 2.0 * q * q / den;
    }
    if (g > 0.0) lo = t;
    else hi = t;
    if (g == 0.0) break;
    double tn = t - g / dg;
    if (!(tn > lo && tn < hi)) tn = hi < INFINITY ? 0.5 * (lo + hi) : 2.0 * fabs(t) + 1.0;
    if (fabs(tn - t) <= 1e-15 * (fabs(t) + amin2)) {
      t = tn;
      break;
    }
    t = tn;
  }
  return t;
}

/* Closest point o on the ellipsoid of semi-axes a to p. special ≥ 0: solve in the plane where
 * coordinate `special` keeps p's value (OpenSim's reduction to the elliptical cross-section);
 * −1: OpenSim's rule — p within 2e-13 of a coordinate plane uses the narrowest such section. */
static void ellipsoid_closest(const double a[3], const double p[3], int special, double o[3]) {
  if (special < 0) {
    double best = INFINITY;
    for (int i = 0; i < 3; i++)
      if (fabs(p[i]) <= PARALLEL_TOL) {
        double sum = a[(i + 1) % 3] + a[(i + 2) % 3];
        if (sum < best) best = sum, special = i;
      }
  }
  double aa[3], uu[3];
  int idx[3], n = 0;
  for (int i = 0; i < 3; i++)
    if (i != special) {
      aa[n] = a[i];
      uu[n] = p[i];
      idx[n++] = i;
    }
  double t = closest_param(n, aa, uu);
  copy3(o, p);
  for (int k = 0; k < n; k++) o[idx[k]] = aa[k] * aa[k] * uu[k] / (t + aa[k] * aa[k]);
  if (t == 0.0 && n == 3 && p[0] == 0 && p[1] == 0 && p[2] == 0) { /* the centre */
    int s = a[0] <= a[1] && a[0] <= a[2] ? 0 : a[1] <= a[2] ? 1 : 2;
    o[s] = a[s];
  }
}

/* The point on the ellipsoid, in the plane vs·r + vs4 = 0, whose tangent plane holds p (a tangent
 * point of the section seen from p), the one nearer r's initial value. OpenSim reaches it by a
 * damped Gauss–Newton iteration from the same start; this solves it in closed form. p on the
 * surface (level within 1e-4): r = p. */
static void ell_tangent(const double a[3], const double p[3], double plvl, const double vs[3],
                        double vs4, double r[3]) {
  if (fabs(plvl) < ELL_INSIDE_TOL) {
    copy3(r, p);
    return;
  }
  double ap[3], e[3];
  for (int i = 0; i < 3; i++) ap[i] = p[i] / (a[i] * a[i]);
  cross3(vs, ap, e); /* the line of points meeting both plane conditions */
  double g11 = dot3(vs, vs), g12 = dot3(vs, ap), g22 = dot3(ap, ap), det = g11 * g22 - g12 * g12;
  if (!(fabs(det) > 0.0)) return;
  double al = (-vs4 * g22 - g12) / det, be = (g11 - g12 * -vs4) / det, r0[3];
  for (int i = 0; i < 3; i++) r0[i] = al * vs[i] + be * ap[i];
  double A = 0, B = 0, C = -1.0;
  for (int i = 0; i < 3; i++) {
    double w = 1.0 / (a[i] * a[i]);
    A += w * e[i] * e[i];
    B += w * e[i] * r0[i];
    C += w * r0[i] * r0[i];
  }
  double disc = B * B - A * C;
  if (!(A > 0.0) || disc < 0.0) return;
  double s1 = (-B + sqrt(disc)) / A, s2 = (-B - sqrt(disc)) / A, x1[3], x2[3];
  for (int i = 0; i < 3; i++) {
    x1[i] = r0[i] + s1 * e[i];
    x2[i] = r0[i] + s2 * e[i];
  }
  copy3(r, dist2(x1, r) <= dist2(x2, r) ? x1 : x2);
}

/* Length over the ellipsoid from r1 to r2 along the section by the plane (vs, vs4), as OpenSim
 * measures it: rays from the point a0 where the plane meets the coordinate axis most normal to
 * it, turned in the plane from r1 towards r2 (or the other way round, far = 1), meet the
 * surface at n − 1 interior points (chords of about 1 mm, n ≤ 499); the length is the sum of
 * the chords. w1 and wl receive the first and last interior point (r2 and r1 when there is
 * none); returns the number of chords. scale converts to metres for the chord count. */
static int ell_surface(const double a[3], const double r1[3], const double r2[3],
                       const double vs[3], double vs4, int far, double scale, double *len,
                       double w1[3], double wl[3]) {
  double chord = sqrt(dist2(r1, r2)) / scale;
  copy3(w1, r2);
  copy3(wl, r1);
  if (chord < ELL_SEGMENT) {
    *len = chord * scale;
    return 1;
  }
  int n = (int)(chord / ELL_SEGMENT);
  if (n > ELL_MAX_SEGMENTS) n = ELL_MAX_SEGMENTS;
  int im = 0;
  for (int i = 1; i < 3; i++)
    if (fabs(vs[i]) > fabs(vs[im])) im = i;
  double a0[3] = {0, 0, 0};
  a0[im] = -vs4 / vs[im];
  double e1[3], e2[3], ez[3], ey[3];
  sub3(r1, a0, e1);
  unit3(e1, e1);
  sub3(r2, a0, e2);
  unit3(e2, e2);
  double phi0 = acos(dot3(e1, e2));
  double dphi = far ? -(2.0 * PI - phi0) / n : phi0 / n;
  cross3(e1, e2, ez);
  unit3(ez, ez);
  cross3(ez, e1, ey);
  double prev[3], total = 0.0;
  copy3(prev, r1);
  for (int i = 1; i < n; i++) {
    double ph = i * dphi, d[3], q[3];
    for (int k = 0; k < 3; k++) d[k] = cos(ph) * e1[k] + sin(ph) * ey[k];
    double A = 0, B = 0, C = -1.0;
    for (int k = 0; k < 3; k++) {
      double f1 = d[k] / a[k], f2 = a0[k] / a[k];
      A += f1 * f1;
      B += 2.0 * f1 * f2;
      C += f2 * f2;
    }
    double mu = (-B + sqrt(B * B - 4.0 * A * C)) / (2.0 * A);
    for (int k = 0; k < 3; k++) q[k] = a0[k] + mu * d[k];
    if (i == 1) copy3(w1, q);
    if (i == n - 1) copy3(wl, q);
    total += sqrt(dist2(prev, q));
    copy3(prev, q);
  }
  total += sqrt(dist2(prev, r2));
  *len = total;
  return n;
}

/* OpenSim's choice of the surface point c1 that fixes the wrapping plane (with p1 and p2), for
 * the three methods; x1, x2 are where the segment enters and leaves the ellipsoid. Returns the
 * fan's weight in c1 (−inf when the fan was not used); *tbest is the Frans parameter. */
static double ell_c1(const double a[3], int method, const double p1[3], const double p2[3],
                     const double x1[3], const double x2[3], double c1[3], double *tbest) {
  double d[3], mu[3], t[3], sv[3][3], cc[3][3], fan = -INFINITY;
  sub3(x2, x1, d);
  double u12[3];
  sub3(p1, p2, u12);
  unit3(u12, mu);
  for (int i = 0; i < 3; i++) {
    mu[i] = fabs(mu[i]);
    t[i] = -x1[i] / d[i];
    for (int j = 0; j < 3; j++) sv[i][j] = x1[j] + t[i] * d[j];
  }
  int b = 0;
  for (int i = 1; i < 3; i++)
    if (mu[i] > mu[b]) b = i;
  *tbest = t[b];
  if (method == HL_WRAP_MIDPOINT) {
    double m[3];
    for (int j = 0; j < 3; j++) m[j] = x1[j] + 0.5 * d[j];
    ellipsoid_closest(a, m, -1, c1);
    return fan;
  }
  for (int i = 0; i < 3; i++) ellipsoid_closest(a, sv[i], i, cc[i]);
  double mb = mu[b];
  if (method == HL_WRAP_HYBRID && mb > MU_BLEND_MIN) { /* fade Frans out near the ends */
    double s = 1.0, tb = t[b];
    if (tb < 0.0 || tb > 1.0) s = 0.0;
    else if (tb < SV_BOUNDARY_BLEND) s = tb / SV_BOUNDARY_BLEND;
    else if (tb > 1.0 - SV_BOUNDARY_BLEND) s = (1.0 - tb) / SV_BOUNDARY_BLEND;
    if (s < 1.0) mb = MU_BLEND_MIN + s * (mb - MU_BLEND_MIN);
  }
  if (method == HL_WRAP_AXIAL || mb > MU_BLEND_MIN) copy3(c1, cc[b]);
  if (method != HL_WRAP_HYBRID || !(mb < MU_BLEND_MAX)) return fan;
  double vsum[3] = {0, 0, 0}, mid[3], tip[3], cf[3];
  for (int j = 0; j < 3; j++) mid[j] = x1[j] + 0.5 * d[j];
  for (int i = 1; i < FAN_SAMPLES - 1; i++) { /* average the fan's blades sv → c1 */
    double s[3], c[3], v[3], tt = (double)i / FAN_SAMPLES;
    for (int j = 0; j < 3; j++) s[j] = x1[j] + tt * d[j];
    ellipsoid_closest(a, s, -1, c);
    sub3(c, s, v);
    unit3(v, v);
    for (int j = 0; j < 3; j++) vsum[j] += v[j];
  }
  unit3(vsum, vsum);
  for (int j = 0; j < 3; j++) tip[j] = mid[j] + vsum[j];
  ellipsoid_closest(a, tip, -1, cf);
  if (mb <= MU_BLEND_MIN) {
    copy3(c1, cf);
    return 1.0;
  }
  double tt = (mb - MU_BLEND_MIN) / (MU_BLEND_MAX - MU_BLEND_MIN), bl[3];
  for (int j = 0; j < 3; j++) bl[j] = tt * c1[j] + (1.0 - tt) * cf[j];
  ellipsoid_closest(a, bl, -1, c1);
  return 1.0 - tt;
}

void hl_wrap_ellipsoid(const hl_wrap_geom *g, const double p1in[3], const double p2in[3],
                       hl_wrap_seg *out) {
  memset(out, 0, sizeof *out);
  /* OpenSim works in units where the semi-axes average 1 */
  double f = 3.0 / (g->dim[0] + g->dim[1] + g->dim[2]), a[3], p1[3], p2[3];
  double l1v = -1.0, l2v = -1.0;
  for (int i = 0; i < 3; i++) {
    a[i] = g->dim[i] * f;
    p1[i] = p1in[i] * f;
    p2[i] = p2in[i] * f;
    l1v += (p1[i] / a[i]) * (p1[i] / a[i]);
    l2v += (p2[i] / a[i]) * (p2[i] / a[i]);
  }
  if (l1v < -ELL_INSIDE_TOL || l2v < -ELL_INSIDE_TOL) {
    out->code = HL_WRAPC_INSIDE;
    out->events = HL_WRAPEV_INSIDE;
    return;
  }
  double n1[3], n2[3], d[3];
  unit3(p1, n1);
  unit3(p2, n2);
  if (fabs(dot3(n1, n2) - 1.0) < ELL_COLLINEAR_TOL) return;
  sub3(p1, p2, d);
  double A = 0, B = 0, C = -1.0;
  for (int i = 0; i < 3; i++) {
    double f1 = d[i] / a[i], f2 = p2[i] / a[i];
    A += f1 * f1;
    B += 2.0 * f1 * f2;
    C += f2 * f2;
  }
  double disc = B * B - 4.0 * A * C;
  if (disc < 0.0) return;
  double s1 = (-B + sqrt(disc)) / (2.0 * A), s2 = (-B - sqrt(disc)) / (2.0 * A);
  if (!(s1 > 0.0 && s1 < 1.0) || !(s2 > 0.0 && s2 < 1.0)) return;
  double x1[3], x2[3], c1[3], tb;
  for (int i = 0; i < 3; i++) {
    x1[i] = p2[i] + s1 * d[i];
    x2[i] = p2[i] + s2 * d[i];
  }
  double fan = ell_c1(a, g->method, p1, p2, x1, x2, c1, &tb);
  double r1[3], r2[3];
  int from_c1 = g->method != HL_WRAP_AXIAL || (tb > 0.0 && tb < 1.0);
  copy3(r1, from_c1 ? c1 : x1);
  copy3(r2, from_c1 ? c1 : x2);
  if (g->sign != 0 && side(c1[g->axis]) != g->sign) { /* c1 to the active side */
    int ax = g->axis;
    c1[ax] = -c1[ax];
    copy3(r1, c1);
    copy3(r2, c1);
    if (fan > 1.0) fan = 1.0;
    if (fan > 0.0) { /* (OpenSim leaves c1 as flipped when the fan was not used) */
      double tc[3];
      c1[ax] += fan * (0.0 - c1[ax]);
      copy3(tc, c1);
      ellipsoid_closest(a, tc, -1, c1);
    }
  }
  double pc[3], vs[3];
  sub3(p1, c1, pc);
  cross3(d, pc, vs);
  unit3(vs, vs);
  double vs4 = -dot3(vs, c1);
  ell_tangent(a, p1, l1v, vs, vs4, r1);
  ell_tangent(a, p2, l2v, vs, vs4, r2);
  double len, w1[3], wl[3];
  int n = ell_surface(a, r1, r2, vs, vs4, 0, f, &len, w1, wl);
  if (g->sign != 0 && n >= 2) { /* the wrong way round? then the far side */
    double u[3], v[3];
    sub3(p1, r1, u);
    unit3(u, u);
    sub3(w1, r1, v);
    unit3(v, v);
    double c_1 = dot3(u, v);
    sub3(p2, r2, u);
    unit3(u, u);
    sub3(wl, r2, v);
    unit3(v, v);
    if (c_1 > 0.0 || dot3(u, v) > 0.0) {
      ell_surface(a, r1, r2, vs, vs4, 1, f, &len, w1, wl);
      out->events |= HL_WRAPEV_LONG;
    }
  }
  out->len = len / f;
  for (int i = 0; i < 3; i++) {
    out->r1[i] = r1[i] / f;
    out->r2[i] = r2[i] / f;
  }
  out->code = HL_WRAPC_MANDATORY;
  out->ok = 1;
}

/* ------------------------------------------------------------------------------ torus */

/* Along the line from p towards q (unit direction u from p), the stationary point of the squared
 * distance to the circle of radius Rc in z = 0 reached from p (OpenSim runs a Levenberg–Marquardt
 * search from u = 0; here a damped Newton iteration on the derivative). Returns the point. */
static void torus_line_point(double Rc, const double p[3], const double q[3], double o[3]) {
  double u[3];
  sub3(q, p, u);
  unit3(u, u);
  double c3 = p[0] * u[0] + p[1] * u[1], c4 = u[0] * u[0] + u[1] * u[1];
  double c5 = p[0] * p[0] + p[1] * p[1], c2 = 2.0 * dot3(p, u), s = 0.0;
  for (int it = 0; it < 500; it++) {
    double rho2 = s * s * c4 + 2.0 * c3 * s + c5, rho = sqrt(rho2);
    if (!(rho > 0.0)) break;
    double drho = (s * c4 + c3) / rho; /* d rho / ds */
    double g = c2 + 2.0 * s - 2.0 * Rc * 2.0 * drho; /* d/ds of |x|² − 2 Rc rho (×2 as OpenSim) */
    double dg = 2.0 - 4.0 * Rc * (c4 - drho * drho) / rho;
    double step = dg > 0.0 ? -g / dg : -0.5 * g;
    double lim = 0.2 * (fabs(s) + sqrt(c5) + Rc);
    if (step > lim) step = lim;
    if (step < -lim) step = -lim;
    s += step;
    if (fabs(step) <= 1e-12 * (fabs(s) + Rc)) break;
  }
  for (int i = 0; i < 3; i++) o[i] = p[i] + s * u[i];
}

void hl_wrap_torus(const hl_wrap_geom *g, const double p1[3], const double p2[3],
                   hl_wrap_seg *out) {
  memset(out, 0, sizeof *out);
  double Rc = g->dim[1], q1[3], q2[3];
  torus_line_point(Rc, p1, p2, q1);
  torus_line_point(Rc, p2, p1, q2);
  double d1 = sqrt(dot3(q1, q1) + Rc * Rc - 2.0 * Rc * hypot(q1[0], q1[1]));
  double d2 = sqrt(dot3(q2, q2) + Rc * Rc - 2.0 * Rc * hypot(q2[0], q2[1]));
  const double *q = d1 < d2 ? q1 : q2;
  if (g->sign != 0) {
    int ok1 = side(q1[g->axis]) == g->sign, ok2 = side(q2[g->axis]) == g->sign;
    if (!ok1 && !ok2) return;
    if (ok1 != ok2) q = ok1 ? q1 : q2;
  }
  double rq = hypot(q[0], q[1]);
  double c[3] = {q[0] * Rc / rq, q[1] * Rc / rq, 0.0};
  /* a cylinder of the tube's radius at c: x towards the torus centre, y = −z, axis z tangent */
  double X[3], Y[3] = {0, 0, -1}, Z[3], m[3] = {-c[0], -c[1], 0.0};
  unit3(m, X);
  cross3(X, Y, Z);
  double a1[3], a2[3], t[3];
  sub3(p1, c, t);
  a1[0] = dot3(X, t), a1[1] = dot3(Y, t), a1[2] = dot3(Z, t);
  sub3(p2, c, t);
  a2[0] = dot3(X, t), a2[1] = dot3(Y, t), a2[2] = dot3(Z, t);
  hl_wrap_geom cg = {HL_WRAP_CYLINDER, {g->dim[0], 10000.0, 0.0}, 0, 1, 0, g->single, 0};
  hl_wrap_seg cs;
  hl_wrap_cylinder(&cg, a1, a2, &cs);
  out->code = HL_WRAPC_WRAPPED; /* OpenSim reports "wrapped" whatever the cylinder said */
  out->events = cs.events;
  if (!cs.ok) return;
  for (int i = 0; i < 3; i++) {
    out->r1[i] = c[i] + X[i] * cs.r1[0] + Y[i] * cs.r1[1] + Z[i] * cs.r1[2];
    out->r2[i] = c[i] + X[i] * cs.r2[0] + Y[i] * cs.r2[1] + Z[i] * cs.r2[2];
  }
  out->len = cs.len;
  out->ok = 1;
}

void hl_wrap_segment(const hl_wrap_geom *g, const double p1[3], const double p2[3],
                     hl_wrap_seg *out) {
  switch (g->type) {
  case HL_WRAP_CYLINDER: hl_wrap_cylinder(g, p1, p2, out); break;
  case HL_WRAP_SPHERE: hl_wrap_sphere(g, p1, p2, out); break;
  case HL_WRAP_ELLIPSOID: hl_wrap_ellipsoid(g, p1, p2, out); break;
  case HL_WRAP_TORUS: hl_wrap_torus(g, p1, p2, out); break;
  default: memset(out, 0, sizeof *out); break;
  }
}
