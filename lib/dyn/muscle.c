/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — muscle force per unit activation for static optimization, as OpenSim 4 computes it.
 *
 * What OpenSim does (read from opensim-core, written here in our own words):
 *  - StaticOptimizationTarget::prepareToOptimize takes each muscle's force per unit activation as
 *    Muscle::calcInextensibleTendonActiveFiberForce(s, 1.0) when use_muscle_physiology is on, and
 *    max_isometric_force otherwise. Activation 1 is used, so Thelen's activation-dependent
 *    force-velocity curve is evaluated at a = 1.
 *  - Rigid tendon: fibre length from MuscleFixedWidthPennationModel::calcFiberLength(l_MT, l_TS):
 *    l_f = sqrt(h² + (l_MT − l_TS)²) with h = l_opt sin α0, or the model's minimum fibre length when
 *    l_MT − l_TS is below its minimum along the tendon. Fibre velocity = path speed · cos α.
 *    No clamping of the fibre length beyond that; no passive force.
 *  - Thelen2003Muscle: zero when l_f ≤ the pennation model's minimum fibre length; otherwise
 *    F0 · exp(−(l̃−1)²/γ) · f_V · cos α, where f_V inverts Thelen's velocity-from-force curve by
 *    Newton iteration (Thelen2003Muscle::calcfvInv, tolerance 1e-6 on l̃', at most 100 steps,
 *    result floored at 0), including the linear extrapolation beyond fv_linear_extrap_threshold.
 *  - Millard2012EquilibriumMuscle: zero when l_f ≤ max(min_norm_active_fiber_length·l_opt, the
 *    pennation model's minimum); otherwise F0 · f_AL(l̃) · f_V(ṽ) · cos α', with the quintic-Bézier
 *    curves. Quirk mirrored: calcActiveFiberForceAlongTendon passes the *normalized* fibre length
 *    to calcPennationAngle, so α' = asin(h / l̃) (h in metres, l̃ dimensionless) — nearly zero.
 *    The curves are used as Millard2012EquilibriumMuscle::extendFinalizeFromProperties adjusts
 *    them: with fibre damping (≥ 0.001, the default 0.1) the active-force-length minimum_value and
 *    the force-velocity slopes at ±vmax are set to 0 when positive; without damping (compliant
 *    tendon, classic Hill) minimum_value is raised to 0.1 and the slopes at vmax to half the
 *    slopes near vmax.
 */
#include "hipload/muscle.h"

#include <math.h>
#include <string.h>
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

#include "hl_exp.h"
#include "muscle_internal.h"

#define SIGNIFICANT_REAL 1.8189894035458565e-14 /* SimTK::SignificantReal = eps^(7/8) */
#define DEFAULT_MAX_PENNATION 1.4706289056333368 /* acos(0.1), OpenSim's default */

/* ----------------------------------------------------------------------- Thelen 2003 */

double hl_muscle_thelen_active_fl(double lnorm, double kshape_active) {
  double d = lnorm - 1.0;
  return hl__exp(-d * d / kshape_active); /* lib/base/hl_exp.h: within 1 ulp, the same bits everywhere */
}

/* Normalized fibre velocity for normalized active force fm = a·f_L·f_V, with a·f_L = afl
 * (Thelen 2003 eqs. 6–7 and OpenSim's linear extrapolation outside (0, thr·Flen·afl)); *dv_dfm gets
 * the slope used by the Newton iteration. */
static double thelen_velocity(double a, double afl, double fm, double af, double flen, double thr,
                              double *dv_dfm) {
  double asy_e = afl * flen;
  double k = 0.25 + 0.75 * a;
  double fm0 = fm, b, db;
  int linear = !(fm > 0.0 && fm < asy_e * thr);
  if (linear) fm0 = fm <= 0.0 ? 0.0 : thr * asy_e;
  if (fm0 <= afl) { b = afl + fm0 / af; db = 1.0 / af; }
  else { b = (2.0 + 2.0 / af) * (afl * flen - fm0) / (flen - 1.0); db = -(2.0 + 2.0 / af) / (flen - 1.0); }
  double v0 = k * (fm0 - afl) / b;
  double slope = k / b - k * (fm0 - afl) / (b * b) * db;
  *dv_dfm = slope;
  return linear ? v0 + slope * (fm - fm0) : v0;
}

/* Closed-form inverse of the a = 1 velocity curve on its two rational pieces (Thelen 2003 eq. 6–7
 * solved for the force): concentric f = (1 + v)/(1 − v/Af), eccentric with
 * c = (2 + 2/Af)/(Flen − 1): f = (1 + v c Flen)/(1 + v c). Used as the start of OpenSim's Newton
 * iteration below, which then stops after one step (it only moves the answer by round-off, and
 * sorts out the linear extrapolation pieces, where one Newton step is exact). */
static double thelen_fv_guess(double vnorm, double af, double flen) {
  if (vnorm <= 0.0) return (1.0 + vnorm) / (1.0 - vnorm / af);
  double c = (2.0 + 2.0 / af) / (flen - 1.0);
  double g = (1.0 + vnorm * c * flen) / (1.0 + vnorm * c);
  return isfinite(g) ? g : 1.0;
}

static double thelen_fv_thr(double vnorm, double af, double flen, double thr) {
  const double a = 1.0, fal = 1.0; /* f_V does not depend on f_L; SO evaluates it at a = 1 */
  double fm = thelen_fv_guess(vnorm, af, flen), err = 1.0, dv = 0.0;
  if (!isfinite(fm)) fm = a * fal;
  for (int it = 0; it < 100 && fabs(err) >= 1e-6; it++) {
    double v = thelen_velocity(a, a * fal, fm, af, flen, thr, &dv);
    err = v - vnorm;
    if (fabs(dv) > SIGNIFICANT_REAL) fm -= err / dv;
  }
  double fv = fm / (a * fal);
  return fv > 0.0 ? fv : 0.0;
}

double hl_muscle_thelen_fv(double vnorm, double af, double flen) {
  return thelen_fv_thr(vnorm, af, flen, 0.95);
}

/* ------------------------------------------------------- quintic Bézier curves (Millard) */

typedef hl__bez bez_curve;

/* A C-shaped corner from (x0,y0) with slope s0 to (x1,y1) with slope s1: the two tangent lines
 * meet at (xc,yc); the inner control points sit a fraction `c` of the way towards it, doubled. */
static void bez_corner(double x0, double y0, double s0, double x1, double y1, double s1, double c,
                       double *px, double *py) {
  double xc = fabs(s0 - s1) > 1.4901161193847656e-08 ? (y1 - y0 - x1 * s1 + x0 * s0) / (s0 - s1)
                                                      : 0.5 * (x0 + x1);
  double yc = (xc - x1) * s1 + y1;
  double xa = x0 + c * (xc - x0), ya = y0 + c * (yc - y0);
  double xb = x1 + c * (xc - x1), yb = y1 + c * (yc - y1);
  px[0] = x0; px[1] = xa; px[2] = xa; px[3] = xb; px[4] = xb; px[5] = x1;
  py[0] = y0; py[1] = ya; py[2] = ya; py[3] = yb; py[4] = yb; py[5] = y1;
}

static double bez_val(const double *p, double u) {
  double v = 1.0 - u;
  double u2 = u * u, v2 = v * v;
  return v2 * v2 * v * p[0] + 5.0 * u * v2 * v2 * p[1] + 10.0 * u2 * v2 * v * p[2] +
         10.0 * u2 * u * v2 * p[3] + 5.0 * u2 * u2 * v * p[4] + u2 * u2 * u * p[5];
}

static double bez_du(const double *p, double u) {
  double v = 1.0 - u;
  double u2 = u * u, v2 = v * v;
  return 5.0 * (v2 * v2 * (p[1] - p[0]) + 4.0 * u * v2 * v * (p[2] - p[1]) +
                6.0 * u2 * v2 * (p[3] - p[2]) + 4.0 * u2 * u * v * (p[4] - p[3]) +
                u2 * u2 * (p[5] - p[4]));
}

/* u in [0,1] with x(u) = x: Newton safeguarded by bisection (x(u) is monotone for corners),
 * from inside the eighth of [0, 1] whose tabulated x values bracket x. It stops when x(u) − x is
 * at the rounding floor of x(u) (a few ulps of x): below it the residual is noise, and Newton's
 * steps on noise used to leave the bracket and bisect for tens of steps. */
static double bez_solve_u(const double *px, const double *xt, double x) {
  int j = 0;
  while (j < 7 && x > xt[j + 1]) j++;
  double lo = j / 8.0, hi = (j + 1) / 8.0, dx = xt[j + 1] - xt[j];
  double u = lo + (dx > 0.0 ? (x - xt[j]) / dx : 0.5) * 0.125;
  if (!(u > lo)) u = lo;
  if (u > hi) u = hi;
  for (int it = 0; it < 100; it++) {
    double f = bez_val(px, u) - x;
    if (fabs(f) <= 4.5e-16 * (1.0 + fabs(x))) break;
    if (f < 0.0) lo = u; else hi = u;
    double d = bez_du(px, u);
    double un = d != 0.0 ? u - f / d : 0.5 * (lo + hi);
    if (!(un > lo && un < hi)) un = 0.5 * (lo + hi);
    u = un;
  }
  return u;
}

static void bez_tabulate(bez_curve *c) {
  for (int k = 0; k < c->nseg; k++)
    for (int j = 0; j <= 8; j++) c->xt[k][j] = j == 0 ? c->px[k][0] : j == 8 ? c->px[k][5] : bez_val(c->px[k], j / 8.0);
}

static double bez_eval(const bez_curve *c, double x, double *dydx) {
  if (x <= c->xlo) { if (dydx) *dydx = c->slo; return c->ylo + c->slo * (x - c->xlo); }
  if (x >= c->xhi) { if (dydx) *dydx = c->shi; return c->yhi + c->shi * (x - c->xhi); }
  int k = 0;
  while (k < c->nseg - 1 && x > c->px[k][5]) k++;
  double u = bez_solve_u(c->px[k], c->xt[k], x);
  if (dydx) *dydx = bez_du(c->py[k], u) / bez_du(c->px[k], u);
  return bez_val(c->py[k], u);
}

static double par(const double *curve, int k, double def) {
  return curve && curve[k] != 0.0 ? curve[k] : def;
}

/* Whether Millard2012EquilibriumMuscle::extendFinalizeFromProperties adjusts the curves for the
 * damped model: with fibre damping (>= 0.001, the default 0.1) or a rigid tendon
 * (ignore_tendon_compliance, mus_curve[15]); the classic Hill adjustments otherwise. */
static int millard_damped(const double *curve) {
  return !curve || !(curve[13] < 0.001) || curve[15] != 0.0;
}

/* ActiveForceLengthCurve (SmoothSegmentedFunctionFactory::createFiberActiveForceLengthCurve with
 * plateau x2 = 1 and curviness 1 as ActiveForceLengthCurve builds it). */
static void millard_fl_curve(const double *curve, bez_curve *c) {
  double x0 = par(curve, 0, 0.4441), x1 = par(curve, 1, 0.73), x3 = par(curve, 2, 1.8123);
  double dydx = curve ? curve[3] : 0.8616;
  double ylow = curve ? curve[4] : 0.1;
  if (millard_damped(curve)) { if (ylow > 0.0) ylow = 0.0; }
  else if (ylow < 0.1) ylow = 0.1;
  double cv = 0.1 + 0.8 * 1.0;
  double x2 = 1.0, xd = 0.05 * x2, xs = x2 - xd;
  double y0 = 0.0, y1 = 1.0 - dydx * (xs - x1);
  double s01 = 1.25 * (y1 - y0) / (x1 - x0);
  double x01 = x0 + 0.5 * (x1 - x0), y01 = y0 + 0.5 * (y1 - y0);
  double x1s = x1 + 0.5 * (xs - x1), y1s = y1 + 0.5 * (1.0 - y1);
  double x23 = (x2 + xd) + 0.5 * (x3 - (x2 + xd)), y23 = 0.5;
  double s23 = (0.0 - 1.0) / ((x3 - xd) - (x2 + xd));
  c->nseg = 5;
  bez_corner(x0, ylow, 0.0, x01, y01, s01, cv, c->px[0], c->py[0]);
  bez_corner(x01, y01, s01, x1s, y1s, dydx, cv, c->px[1], c->py[1]);
  bez_corner(x1s, y1s, dydx, x2, 1.0, 0.0, cv, c->px[2], c->py[2]);
  bez_corner(x2, 1.0, 0.0, x23, y23, s23, cv, c->px[3], c->py[3]);
  bez_corner(x23, y23, s23, x3, ylow, 0.0, cv, c->px[4], c->py[4]);
  c->xlo = x0; c->xhi = x3; c->ylo = ylow; c->yhi = ylow; c->slo = 0.0; c->shi = 0.0;
  bez_tabulate(c);
}

/* ForceVelocityCurve (SmoothSegmentedFunctionFactory::createFiberForceVelocityCurve). */
static void millard_fv_curve(const double *curve, bez_curve *c) {
  double sc = curve ? curve[5] : 0.0, snc = par(curve, 6, 0.25), siso = par(curve, 7, 5.0);
  double se = curve ? curve[8] : 0.0, sne = par(curve, 9, 0.15), fmax = par(curve, 10, 1.4);
  double cc = par(curve, 11, 0.6), ce = par(curve, 12, 0.9);
  if (millard_damped(curve)) {
    if (sc > 0.0) sc = 0.0;
    if (se > 0.0) se = 0.0;
  } else {
    if (sc < 0.5 * snc) sc = 0.5 * snc;
    if (se < 0.5 * sne) se = 0.5 * sne;
  }
  double kc = 0.1 + 0.8 * cc, ke = 0.1 + 0.8 * ce;
  double ync = 0.5 * snc * 0.1 + 0.5 * sc * 0.1;
  double yne = fmax - 0.5 * sne * 0.1 - 0.5 * se * 0.1;
  c->nseg = 4;
  bez_corner(-1.0, 0.0, sc, -0.9, ync, snc, kc, c->px[0], c->py[0]);
  bez_corner(-0.9, ync, snc, 0.0, 1.0, siso, kc, c->px[1], c->py[1]);
  bez_corner(0.0, 1.0, siso, 0.9, yne, sne, ke, c->px[2], c->py[2]);
  bez_corner(0.9, yne, sne, 1.0, fmax, se, ke, c->px[3], c->py[3]);
  c->xlo = -1.0; c->xhi = 1.0; c->ylo = 0.0; c->yhi = fmax; c->slo = sc; c->shi = se;
  bez_tabulate(c);
}

double hl_muscle_millard_active_fl(const double *curve, double lnorm) {
  bez_curve c;
  millard_fl_curve(curve, &c);
  return bez_eval(&c, lnorm, NULL);
}

double hl_muscle_millard_fv(const double *curve, double vnorm) {
  bez_curve c;
  millard_fv_curve(curve, &c);
  return bez_eval(&c, vnorm, NULL);
}

/* --------------------------------------------------------- De Groote et al. 2016 */

/* Curve constants of De Groote, Kinney, Rao & Fregly (2016), "Evaluation of direct collocation
 * optimal control problem formulations for solving the muscle redundancy problem", Ann Biomed
 * Eng 44(10):2922-2936, supplementary material — with the refined digits OpenSim's
 * DeGrooteFregly2016Muscle uses (Apache-2.0): the active force-length constants of
 * simtk.org/projects/optcntrlmuscle with b11 adjusted so that f_L(1) = 1, and d1, d4 solved so
 * that f_V(-1) = 0 and f_V(0) = 1 (the paper's rounded values miss both points slightly). */
static const double DG_B[3][4] = {
    {0.8150671134243542, 1.055033428970575, 0.162384573599574, 0.063303448465465},
    {0.433004984392647, 0.716775413397760, -0.029947116970696, 0.200356847296188},
    {0.1, 1.0, 0.353553390593274, 0.0}};
#define DG_D1 (-0.3211346127989808)
#define DG_D2 (-8.149)
#define DG_D3 (-0.374)
#define DG_D4 0.8825327733249912

double hl_muscle_degroote_active_fl(double lnorm, double width_scale) {
  /* the curve's peak stays at 1, its width scales with active_force_width_scale */
  double x = (lnorm - 1.0) / width_scale + 1.0, f = 0.0;
  for (int k = 0; k < 3; k++) {
    double den = DG_B[k][2] + DG_B[k][3] * x, dx = x - DG_B[k][1];
    f += DG_B[k][0] * exp(-0.5 * dx * dx / (den * den));
  }
  return f;
}

double hl_muscle_degroote_fv(double vnorm) {
  double t = DG_D2 * vnorm + DG_D3;
  return DG_D1 * log(t + sqrt(t * t + 1.0)) + DG_D4;
}

/* DeGrooteFregly2016Muscle::calcInextensibleTendonActiveFiberForce at activation 1: rigid tendon
 * (tendon length = slack length), fibre length sqrt((l_MT - l_TS)^2 + w^2) with w = l_opt sin a0,
 * no clamping; fibre velocity = path speed * cos a. What it returns is the active FIBRE force
 * F0 f_L f_V — not projected on the tendon (no cos a), unlike Thelen's and Millard's — and
 * static optimization applies that along the path; hipload does the same. */
static double degroote_fpa(const hl_model *m, int i, double len, double speed, double *lnorm,
                           double *vnorm, double *alpha) {
  double lopt = m->mus_lopt[i], w = lopt * sin(m->mus_alpha0[i]);
  double lat = len - m->mus_lts[i];
  double lf = sqrt(lat * lat + w * w);
  if (!(lf > 0.0)) return 0.0; /* fibre of zero length: no force (OpenSim: 0/0) */
  double ln = lf / lopt, vn = speed * (lat / lf) / (lopt * m->mus_vmax[i]);
  if (lnorm) *lnorm = ln;
  if (vnorm) *vnorm = vn;
  if (alpha) *alpha = asin(w / lf);
  double scale = m->mus_curve[(size_t)HL_MUS_NCURVE * (size_t)i];
  if (!(scale >= 1.0)) scale = 1.0; /* a hand-built model without the property */
  return m->mus_f0[i] * hl_muscle_degroote_active_fl(ln, scale) * hl_muscle_degroote_fv(vn);
}

/* ------------------------------------------------------------- force per activation */

/* MuscleFixedWidthPennationModel as finalized from the muscle's properties, plus the muscle's
 * parameters the per-frame computation needs: the trigonometry is done once here. */
void hl__muscle_const(const hl_model *m, int i, hl__mus_const *c) {
  memset(c, 0, sizeof *c);
  if (!m || i < 0 || i >= m->nmuscle) return;
  int type = m->mus_type[i];
  const double *cv = m->mus_curve ? m->mus_curve + (size_t)HL_MUS_NCURVE * (size_t)i : NULL;
  double lopt = m->mus_lopt[i], alpha0 = m->mus_alpha0[i];
  double max_pen = type == HL_MUSCLE_THELEN2003 ? par(cv, 8, DEFAULT_MAX_PENNATION)
                                                : par(cv, 14, DEFAULT_MAX_PENNATION);
  c->pennated = alpha0 > 2.220446049250313e-16;
  c->max_pen = max_pen;
  c->h = lopt * sin(alpha0);
  c->sin_max = sin(max_pen);
  c->cos_max = cos(max_pen);
  c->lmin = max_pen > SIGNIFICANT_REAL ? c->h / c->sin_max : 0.01 * lopt;
  c->lat_min = c->lmin * c->cos_max;
  c->inv_lopt = 1.0 / lopt;
  c->inv_lv = 1.0 / (lopt * m->mus_vmax[i]);
  c->h2 = c->h * c->h;
  c->lts = m->mus_lts[i];
  c->f0 = m->mus_f0[i];
  if (type == HL_MUSCLE_MILLARD2012) {
    c->millard = 1;
    millard_fl_curve(cv, &c->fl);
    millard_fv_curve(cv, &c->fv);
  }
  if (type == HL_MUSCLE_THELEN2003) {
    c->fl_inv_k = 1.0 / par(cv, 0, 0.45);
    double af = par(cv, 2, 0.25), flen = par(cv, 3, 1.4), thr = par(cv, 7, 0.95);
    if (af > 0.0 && flen > 1.0 && thr > 0.0 && thr < 1.0 && thr * flen > 1.0 && isfinite(af) &&
        isfinite(flen)) {
      /* the eccentric piece v = (f − 1)/b(f), b = c (F_len − f), at the threshold force, and the
       * slope dv/df there (thelen_velocity's extrapolation slope at a = f_L = 1) */
      double cc = (2.0 + 2.0 / af) / (flen - 1.0), fthr = thr * flen, bthr = cc * (flen - fthr);
      c->fv_closed = 1;
      c->fv_inv_af = 1.0 / af;
      c->fv_flen = flen;
      c->fv_c = cc;
      c->fv_fthr = fthr;
      c->fv_vthr = (fthr - 1.0) / bthr;
      c->fv_slope = 1.0 / bthr + (fthr - 1.0) / (bthr * bthr) * cc;
      c->thelen_fast = 1;
    }
  }
}

/* Thelen's f_V at a = 1 for normalized fibre velocity v, inverted piece by piece in closed form:
 * v ≤ −1 (the extrapolation below zero force, floored): 0; concentric −1 < v ≤ 0:
 * (1 + v)/(1 − v/A_f); eccentric up to the threshold: (1 + v c F_len)/(1 + v c); beyond it the
 * linear extrapolation. OpenSim's Newton iteration (thelen_fv_thr) converges to the same values:
 * they differ by rounding only. */
static double thelen_fv_closed(const hl__mus_const *c, double v) {
  if (v <= -1.0) return 0.0;
  if (v <= 0.0) return (1.0 + v) / (1.0 - v * c->fv_inv_af);
  if (v < c->fv_vthr) return (1.0 + v * c->fv_c * c->fv_flen) / (1.0 + v * c->fv_c);
  double f = c->fv_fthr + (v - c->fv_vthr) / c->fv_slope;
  return f > 0.0 ? f : 0.0; /* a NaN v gives 0, as the Newton iteration does */
}

/* Pennation at fibre length lf: returns cos α; *s gets sin α (as h/lf, or sin of the maximum). */
static double penn_cos(const hl__mus_const *c, double lf, double *s) {
  if (!c->pennated) { *s = 0.0; return 1.0; }
  if (lf > c->lmin) {
    double si = c->h / lf;
    if (si < c->sin_max) { *s = si; return sqrt((1.0 - si) * (1.0 + si)); }
  }
  *s = c->sin_max;
  return c->cos_max;
}

static double penn_angle_of(const hl__mus_const *c, double s) {
  if (!c->pennated) return 0.0;
  return s < c->sin_max ? asin(s) : c->max_pen;
}

/* The body of hl__muscle_fpa; inlined into hl__muscle_fpa_all with NULL outputs, so a frame's
 * loop over the muscles makes no call per muscle and tests no output pointer. */
#if defined(__GNUC__)
#define FPA_INLINE inline __attribute__((always_inline))
#else
#define FPA_INLINE inline
#endif
static FPA_INLINE double fpa_impl(const hl_model *m, int i, const hl__mus_const *pc, double len,
                                  double speed, int use_physiology, double *lnorm, double *vnorm,
                                  double *alpha) {
  double f0 = m->mus_f0[i];
  int type = m->mus_type[i];
  if (use_physiology && type == HL_MUSCLE_DEGROOTE2016)
    return degroote_fpa(m, i, len, speed, lnorm, vnorm, alpha);
  if (!use_physiology || (type != HL_MUSCLE_THELEN2003 && type != HL_MUSCLE_MILLARD2012)) return f0;
  const double *cv = m->mus_curve ? m->mus_curve + (size_t)HL_MUS_NCURVE * (size_t)i : NULL;
  double lopt = m->mus_lopt[i], lts = m->mus_lts[i];
  /* rigid tendon: fibre length along the fixed-width pennation model */
  double lat = len - lts;
  double lf = lat >= pc->lat_min ? sqrt(pc->h * pc->h + lat * lat) : pc->lmin;
  /* cos α = (l_MT − l_TS)/l_f on the fixed-width model (one division, no sin→cos square root
   * on the way to the fibre velocity); the clamp at the maximum pennation as in penn_cos */
  double sphi, cphi;
  if (!pc->pennated) {
    sphi = 0.0;
    cphi = 1.0;
  } else if (lf > pc->lmin && pc->h < pc->sin_max * lf) {
    sphi = alpha ? pc->h / lf : 0.0; /* sin α is only needed for the pennation angle */
    cphi = lat / lf;
  } else {
    sphi = pc->sin_max;
    cphi = pc->cos_max;
  }
  double vf = speed * cphi;
  double ln = lf * pc->inv_lopt, vn = vf * pc->inv_lv;
  if (lnorm) *lnorm = ln;
  if (vnorm) *vnorm = vn;
  if (type == HL_MUSCLE_THELEN2003) {
    if (alpha) *alpha = penn_angle_of(pc, sphi);
    if (!(lf > pc->lmin)) return 0.0;
    /* hl_thelen_active_fl with 1/γ formed once per muscle (a product, not a division, per
     * frame: the same value to round-off) */
    double dl = ln - 1.0;
    double fal = hl__exp(-dl * dl * pc->fl_inv_k);
    double fv = pc->fv_closed ? thelen_fv_closed(pc, vn)
                              : thelen_fv_thr(vn, par(cv, 2, 0.25), par(cv, 3, 1.4), par(cv, 7, 0.95));
    return f0 * fal * fv * cphi;
  }
  /* Millard2012 */
  double lmin = par(cv, 0, 0.4441) * lopt;
  if (pc->lmin > lmin) lmin = pc->lmin;
  if (lmin < SIGNIFICANT_REAL) lmin = SIGNIFICANT_REAL;
  double sn, cn = penn_cos(pc, ln, &sn); /* OpenSim passes l̃ here; see the file comment */
  if (alpha) *alpha = penn_angle_of(pc, sn);
  if (lf <= lmin) {
    if (alpha) *alpha = penn_angle_of(pc, sphi);
    return 0.0;
  }
  double fal, fv;
  if (pc->millard) { /* the curves built once (hl__muscle_const) */
    fal = bez_eval(&pc->fl, ln, NULL);
    fv = bez_eval(&pc->fv, vn, NULL);
  } else {
    bez_curve c;
    millard_fl_curve(cv, &c);
    fal = bez_eval(&c, ln, NULL);
    millard_fv_curve(cv, &c);
    fv = bez_eval(&c, vn, NULL);
  }
  return f0 * fal * fv * cn;
}

double hl__muscle_fpa(const hl_model *m, int i, const hl__mus_const *pc, double len, double speed,
                      int use_physiology, double *lnorm, double *vnorm, double *alpha) {
  return fpa_impl(m, i, pc, len, speed, use_physiology, lnorm, vnorm, alpha);
}

/* Muscle i's lanes in the lane table (muscle_internal.h): field f at [4 f]. */
static inline const double *lane_at(const double *lanes, int i) {
  return lanes + (size_t)(i / 4) * 4 * HL__MUS_LANE_NF + (i % 4);
}

#define FPA_BLOCK 16 /* muscles per run of the lane path */

#if defined(__GNUC__) && defined(__x86_64__)
#define FPA_AVX2 1
/* hl__muscle_fpa_all's Thelen path for a run of quads of thelen_fast muscles (i0 + 4q .. + 3 in
 * the four lanes) with AVX2, on CPUs that have it (checked at each call), their constants read
 * from the lane table: every operation of the scalar path, in its order, so the same bits (IEEE
 * operations round the same in a lane as alone; the comparisons are the ordered ones, false on
 * NaN, as the scalar ones); the branches become selects (both sides computed, one kept), and
 * thelen_fv_closed's pieces share one division (each piece's numerator and denominator are
 * selected first). In three passes over the run (geometry, exp, force–velocity and product), so
 * that one muscle's long dependency chain (sqrt, division, exp, division) overlaps with the other
 * muscles'. i0 a multiple of 4, nq ≤ FPA_BLOCK/4. */
#define LANE4(f) _mm256_loadu_pd(Lp + 4 * (f))
__attribute__((target("avx2"))) static inline __m256d sel4(__m256d m, __m256d x, __m256d y) {
  return _mm256_or_pd(_mm256_and_pd(m, x), _mm256_andnot_pd(m, y));
}

/* hl__exp on four lanes: the same operations, in the same order, lane by lane; hl__exp per lane
 * when any argument is outside the fast range */
__attribute__((target("avx2"))) static inline __m256d exp4_lanes(__m256d x) {
  double xs[4];
  _mm256_storeu_pd(xs, x);
  unsigned out_of_range = 0;
  for (int l = 0; l < 4; l++) {
    uint64_t u;
    memcpy(&u, &xs[l], sizeof u);
    out_of_range |= ((unsigned)(u >> 52) & 0x7ffu) - 0x3c9u >= 0x408u - 0x3c9u;
  }
  if (out_of_range)
    return _mm256_set_pd(hl__exp(xs[3]), hl__exp(xs[2]), hl__exp(xs[1]), hl__exp(xs[0]));
  const __m256d shift = _mm256_set1_pd(HL_EXP_SHIFT);
  __m256d kd = _mm256_add_pd(_mm256_mul_pd(x, _mm256_set1_pd(HL_EXP_INV_LN2N)), shift);
  __m256i kb = _mm256_castpd_si256(kd);
  kd = _mm256_sub_pd(kd, shift);
  __m256i e = _mm256_sub_epi64(
      _mm256_srli_epi64(_mm256_and_si256(kb, _mm256_set1_epi64x(0xfffffffffffffLL)), 7),
      _mm256_set1_epi64x((int64_t)1 << 44));
  int64_t ks[4];
  _mm256_storeu_si256((__m256i *)ks, kb);
  int j0 = (int)(ks[0] & (HL_EXP_N - 1)), j1 = (int)(ks[1] & (HL_EXP_N - 1));
  int j2 = (int)(ks[2] & (HL_EXP_N - 1)), j3 = (int)(ks[3] & (HL_EXP_N - 1));
  __m256d r = _mm256_sub_pd(_mm256_sub_pd(x, _mm256_mul_pd(kd, _mm256_set1_pd(HL_EXP_LN2N_HI))),
                            _mm256_mul_pd(kd, _mm256_set1_pd(HL_EXP_LN2N_LO)));
  __m256d r2 = _mm256_mul_pd(r, r);
  __m256d t = _mm256_set_pd(hl__exp_tab[2 * j3], hl__exp_tab[2 * j2], hl__exp_tab[2 * j1],
                            hl__exp_tab[2 * j0]);
  __m256d tail = _mm256_set_pd(hl__exp_tab[2 * j3 + 1], hl__exp_tab[2 * j2 + 1],
                               hl__exp_tab[2 * j1 + 1], hl__exp_tab[2 * j0 + 1]);
  __m256d q1 = _mm256_mul_pd(
      r2, _mm256_add_pd(_mm256_set1_pd(0.5), _mm256_mul_pd(r, _mm256_set1_pd(1.0 / 6.0))));
  __m256d q2 = _mm256_mul_pd(
      _mm256_mul_pd(r2, r2),
      _mm256_add_pd(_mm256_set1_pd(1.0 / 24.0), _mm256_mul_pd(r, _mm256_set1_pd(1.0 / 120.0))));
  __m256d p = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(tail, r), q1), q2);
  __m256d sc =
      _mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(t), _mm256_slli_epi64(e, 52)));
  return _mm256_add_pd(sc, _mm256_mul_pd(sc, p));
}

__attribute__((target("avx2"))) static void fpa_block4(const double *lanes, int i0, int nq,
                                                       const double *len, const double *speed,
                                                       double *out) {
  __m256d cphi_s[FPA_BLOCK / 4], v_s[FPA_BLOCK / 4], x_s[FPA_BLOCK / 4], ok_s[FPA_BLOCK / 4];
  const __m256d one = _mm256_set1_pd(1.0), zero = _mm256_setzero_pd();
  for (int q = 0; q < nq; q++) {
    const double *Lp = lane_at(lanes, i0 + 4 * q);
    __m256d lat = _mm256_sub_pd(_mm256_loadu_pd(len + 4 * q), LANE4(HL__ML_LTS));
    __m256d lmin = LANE4(HL__ML_LMIN);
    __m256d lf = sel4(_mm256_cmp_pd(lat, LANE4(HL__ML_LAT_MIN), _CMP_GE_OQ),
                      _mm256_sqrt_pd(_mm256_add_pd(LANE4(HL__ML_H2), _mm256_mul_pd(lat, lat))), lmin);
    __m256d valid = _mm256_cmp_pd(lf, lmin, _CMP_GT_OQ);
    __m256d inside = _mm256_and_pd(
        valid, _mm256_cmp_pd(LANE4(HL__ML_H), _mm256_mul_pd(LANE4(HL__ML_SIN_MAX), lf), _CMP_LT_OQ));
    __m256d cphi = sel4(LANE4(HL__ML_PENN),
                        sel4(inside, _mm256_div_pd(lat, lf), LANE4(HL__ML_COS_MAX)), one);
    __m256d dl = _mm256_sub_pd(_mm256_mul_pd(lf, LANE4(HL__ML_INV_LOPT)), one);
    __m256d negdl = _mm256_xor_pd(dl, _mm256_set1_pd(-0.0));
    cphi_s[q] = cphi;
    ok_s[q] = valid;
    v_s[q] = _mm256_mul_pd(_mm256_mul_pd(_mm256_loadu_pd(speed + 4 * q), cphi), LANE4(HL__ML_INV_LV));
    x_s[q] = _mm256_mul_pd(_mm256_mul_pd(negdl, dl), LANE4(HL__ML_FL_INV_K));
  }
  for (int q = 0; q < nq; q++) x_s[q] = exp4_lanes(x_s[q]); /* f_L */
  for (int q = 0; q < nq; q++) {
    const double *Lp = lane_at(lanes, i0 + 4 * q);
    __m256d v = v_s[q];
    __m256d vthr = LANE4(HL__ML_FV_VTHR);
    __m256d conc = _mm256_cmp_pd(v, zero, _CMP_LE_OQ), ecc = _mm256_cmp_pd(v, vthr, _CMP_LT_OQ);
    __m256d vc = _mm256_mul_pd(v, LANE4(HL__ML_FV_C));
    __m256d num = sel4(conc, _mm256_add_pd(one, v),
                       sel4(ecc, _mm256_add_pd(one, _mm256_mul_pd(vc, LANE4(HL__ML_FV_FLEN))),
                            _mm256_sub_pd(v, vthr)));
    __m256d den = sel4(conc, _mm256_sub_pd(one, _mm256_mul_pd(v, LANE4(HL__ML_FV_INV_AF))),
                       sel4(ecc, _mm256_add_pd(one, vc), LANE4(HL__ML_FV_SLOPE)));
    __m256d qv = _mm256_div_pd(num, den);
    __m256d lin = _mm256_add_pd(LANE4(HL__ML_FV_FTHR), qv);
    lin = _mm256_and_pd(_mm256_cmp_pd(lin, zero, _CMP_GT_OQ), lin); /* f > 0 ? f : 0 (NaN: 0) */
    __m256d fv = sel4(_mm256_or_pd(conc, ecc), qv, lin);
    fv = _mm256_andnot_pd(_mm256_cmp_pd(v, _mm256_set1_pd(-1.0), _CMP_LE_OQ), fv); /* v ≤ −1 */
    __m256d f =
        _mm256_mul_pd(_mm256_mul_pd(_mm256_mul_pd(LANE4(HL__ML_F0), x_s[q]), fv), cphi_s[q]);
    _mm256_storeu_pd(out + 4 * q, _mm256_and_pd(ok_s[q], f)); /* !(l_f > lmin): 0 */
  }
}
#undef LANE4
#endif

size_t hl__muscle_lanes_size(int nmuscle) {
  return (size_t)4 * HL__MUS_LANE_NF * (size_t)((nmuscle + 3) / 4);
}

void hl__muscle_lanes(const hl__mus_const *c, int nmuscle, double *lanes) {
  for (int i = 0; i < nmuscle; i++) {
    const hl__mus_const *a = c + i;
    double *L = lanes + (size_t)(i / 4) * 4 * HL__MUS_LANE_NF + (i % 4);
    uint64_t ones = ~(uint64_t)0;
    double all;
    memcpy(&all, &ones, sizeof all); /* a select mask: every bit set */
    L[4 * HL__ML_LTS] = a->lts;
    L[4 * HL__ML_LAT_MIN] = a->lat_min;
    L[4 * HL__ML_H2] = a->h2;
    L[4 * HL__ML_LMIN] = a->lmin;
    L[4 * HL__ML_PENN] = a->pennated ? all : 0.0;
    L[4 * HL__ML_H] = a->h;
    L[4 * HL__ML_SIN_MAX] = a->sin_max;
    L[4 * HL__ML_COS_MAX] = a->cos_max;
    L[4 * HL__ML_INV_LOPT] = a->inv_lopt;
    L[4 * HL__ML_INV_LV] = a->inv_lv;
    L[4 * HL__ML_FL_INV_K] = a->fl_inv_k;
    L[4 * HL__ML_FV_VTHR] = a->fv_vthr;
    L[4 * HL__ML_FV_C] = a->fv_c;
    L[4 * HL__ML_FV_FLEN] = a->fv_flen;
    L[4 * HL__ML_FV_INV_AF] = a->fv_inv_af;
    L[4 * HL__ML_FV_SLOPE] = a->fv_slope;
    L[4 * HL__ML_FV_FTHR] = a->fv_fthr;
    L[4 * HL__ML_F0] = a->f0;
    /* at a quad's first muscle: 1 when all four muscles exist and are thelen_fast */
    if (!(i & 3)) {
      int q = i + 3 < nmuscle;
      for (int t = 0; t < 4 && q; t++) q = a[t].thelen_fast;
      L[4 * HL__ML_QUAD] = q;
    }
  }
}

/* 1 when the quad of muscles i .. i + 3 (i a multiple of 4) can take the lane path */
static inline int quad_ok(const double *lanes, int i) {
  return lane_at(lanes, i)[4 * HL__ML_QUAD] != 0.0;
}

void hl__muscle_fpa_all(const hl_model *m, const hl__mus_const *pc, const double *lanes,
                        const double *len, const double *speed, int use_physiology, double *out) {
  const int n = m->nmuscle;
  (void)lanes; /* unused without AVX2 */
#if defined(FPA_AVX2)
  const int avx2 = lanes && use_physiology && __builtin_cpu_supports("avx2");
#endif
  for (int i = 0; i < n; i++) {
    const hl__mus_const *c = pc + i;
#if defined(FPA_AVX2)
    /* at a quad's first muscle: the run of usable quads from here (at most FPA_BLOCK/4) */
    if (avx2 && !(i & 3)) {
      int nq = 0;
      while (nq < FPA_BLOCK / 4 && i + 4 * nq < n && quad_ok(lanes, i + 4 * nq)) nq++;
      if (nq) {
        fpa_block4(lanes, i, nq, len + i, speed + i, out + i);
        i += 4 * nq - 1;
        continue;
      }
    }
#endif
    if (!(use_physiology && c->thelen_fast)) {
      out[i] = fpa_impl(m, i, c, len[i], speed[i], use_physiology, NULL, NULL, NULL);
      continue;
    }
    /* fpa_impl's Thelen path with f_V in closed form, every operation in the same order, from
     * the muscle's constants alone (one structure read per muscle) */
    double lat = len[i] - c->lts;
    double lf = lat >= c->lat_min ? sqrt(c->h2 + lat * lat) : c->lmin;
    double cphi = !c->pennated ? 1.0
                  : lf > c->lmin && c->h < c->sin_max * lf ? lat / lf
                                                            : c->cos_max;
    if (!(lf > c->lmin)) {
      out[i] = 0.0;
      continue;
    }
    double vn = speed[i] * cphi * c->inv_lv;
    double dl = lf * c->inv_lopt - 1.0;
    double fal = hl__exp(-dl * dl * c->fl_inv_k);
    out[i] = c->f0 * fal * thelen_fv_closed(c, vn) * cphi;
  }
}

double hl_muscle_force_per_activation(const hl_model *m, int i, double len, double speed,
                                      int use_physiology, double *lnorm, double *vnorm,
                                      double *alpha) {
  if (lnorm) *lnorm = NAN;
  if (vnorm) *vnorm = NAN;
  if (alpha) *alpha = NAN;
  if (!m || i < 0 || i >= m->nmuscle) return NAN;
  hl__mus_const c;
  hl__muscle_const(m, i, &c);
  return hl__muscle_fpa(m, i, &c, len, speed, use_physiology, lnorm, vnorm, alpha);
}
