/* SPDX-License-Identifier: Apache-2.0 */
/* Muscle wrapping and coordinate couplers (issue 16): the wrap surfaces against OpenSim's own
 * test vectors and against brute force, MuscleAnalysis against OpenSim 4.6 on the Rajagopal
 * walking model and the LaiUhlrich2022 sweeps, the exact-geodesic option's moment arms against
 * −dL/dq, joint reaction with OpenSim's forces, and bad wrap input. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/analyze.h"
#include "hipload/coupler.h"
#include "hipload/kin.h"
#include "hipload/model.h"
#include "hipload/motion.h"
#include "hipload/muscle.h"
#include "hipload/setup.h"
#include "hipload/table.h"
#include "hipload/wrap.h"
#include "testutil.h"

/* A kinematics workspace for m (the test fails when it cannot be made). */
static hl_data *kin_new(const hl_model *m) {
  hl_data *d = NULL;
  ck_assert_int_eq(hl_kin_create(m, &d, NULL), HL_OK);
  return d;
}

#define PI 3.14159265358979323846

static hl_wrap_geom cylinder(double R, double L, int axis, int sign, int exact) {
  hl_wrap_geom g = {HL_WRAP_CYLINDER, {R, L, 0}, axis, sign, HL_WRAP_HYBRID, 1, exact};
  return g;
}

/* OpenSim's testWrapCylinder.cpp vectors (OpenSim 4.6, Apache-2.0): unit cylinder, segments in
 * the plane z = 0 ("Perpendicular 1" and "2"), each also reversed. */
START_TEST(cylinder_opensim_vectors) {
  hl_wrap_geom g = cylinder(1.0, 1.0, -1, 0, 0);
  hl_wrap_seg s;
  double p1[3] = {2, 0.9, 0}, p2[3] = {-2, 1.0, 0};
  hl_wrap_cylinder(&g, p1, p2, &s);
  ck_assert_int_eq(s.code, HL_WRAPC_MANDATORY);
  ck_assert_double_eq_tol(s.r1[0], 0.0505759009075089, 1e-13);
  ck_assert_double_eq_tol(s.r1[1], 0.998720220205536, 1e-13);
  ck_assert_double_eq_tol(s.r2[0], 0.0, 1e-13);
  ck_assert_double_eq_tol(s.r2[1], 1.0, 1e-13);
  ck_assert_double_eq_tol(s.len, 0.0505974872969326, 1e-13);
  hl_wrap_cylinder(&g, p2, p1, &s);
  ck_assert_double_eq_tol(s.r2[0], 0.0505759009075089, 1e-13);
  ck_assert_double_eq_tol(s.len, 0.0505974872969326, 1e-13);
  double q1[3] = {2, -2, 0}, q2[3] = {-2, 2.1, 0};
  hl_wrap_cylinder(&g, q1, q2, &s);
  ck_assert_int_eq(s.ok, 1);
  ck_assert_double_eq_tol(s.len, 0.689036814042993, 1e-13);
  hl_wrap_cylinder(&g, q2, q1, &s);
  ck_assert_double_eq_tol(s.len, 0.689036814042993, 1e-13);
  /* an end point inside the radius, and a segment that misses: no wrap */
  double in[3] = {0.5, 0, 0};
  hl_wrap_cylinder(&g, in, p2, &s);
  ck_assert_int_eq(s.code, HL_WRAPC_INSIDE);
  double far1[3] = {2, 3, 0}, far2[3] = {-2, 3, 0};
  hl_wrap_cylinder(&g, far1, far2, &s);
  ck_assert_int_eq(s.code, HL_WRAPC_NONE);
  ck_assert_int_eq(s.ok, 0);
  /* the same miss with quadrant −y: pulled round the active side */
  g = cylinder(1.0, 1.0, 1, -1, 0);
  hl_wrap_cylinder(&g, far1, far2, &s);
  ck_assert_int_eq(s.code, HL_WRAPC_WRAPPED);
  ck_assert(s.r1[1] < 0 && s.r2[1] < 0);
}
END_TEST

/* Length of the path p1 → (t1 at height z1) → helix → (t2 at height z2) → p2. */
static double placed_length(double R, const double p1[3], const double p2[3], const double t1[3],
                            const double t2[3], double phi, double z1, double z2) {
  double a = sqrt((p1[0] - t1[0]) * (p1[0] - t1[0]) + (p1[1] - t1[1]) * (p1[1] - t1[1]) + (p1[2] - z1) * (p1[2] - z1));
  double b = sqrt((p2[0] - t2[0]) * (p2[0] - t2[0]) + (p2[1] - t2[1]) * (p2[1] - t2[1]) + (p2[2] - z2) * (p2[2] - z2));
  return a + sqrt(R * phi * R * phi + (z2 - z1) * (z2 - z1)) + b;
}

/* The exact option's length is the minimum over the tangent points' heights: a brute-force
 * search (nested ternary search on the convex length, then a grid around it) finds no shorter
 * placement, and OpenSim's heuristic is never shorter. */
START_TEST(cylinder_exact_is_shortest) {
  srand(16);
  int tested = 0;
  for (int k = 0; k < 400; k++) {
    double p1[3], p2[3];
    for (int i = 0; i < 3; i++) {
      p1[i] = 4.0 * rand() / RAND_MAX - 2.0;
      p2[i] = 4.0 * rand() / RAND_MAX - 2.0;
    }
    int axis = k % 4 == 3 ? -1 : k % 3, sign = axis < 0 ? 0 : (k % 2 ? 1 : -1);
    hl_wrap_geom ge = cylinder(0.5, 100.0, axis == 2 ? -1 : axis, axis == 2 ? 0 : sign, 1);
    hl_wrap_geom go = ge;
    go.exact = 0;
    hl_wrap_seg se, so;
    hl_wrap_cylinder(&ge, p1, p2, &se);
    hl_wrap_cylinder(&go, p1, p2, &so);
    if (!se.ok || (se.events & HL_WRAPEV_LONG)) continue;
    ck_assert_int_eq(so.ok, 1);
    double phi = acos((se.r1[0] * se.r2[0] + se.r1[1] * se.r2[1]) / 0.25);
    double lo1 = -5, hi1 = 5;
    for (int it = 0; it < 200; it++) { /* outer search on z1, inner on z2 */
      double m1 = lo1 + (hi1 - lo1) / 3, m2 = hi1 - (hi1 - lo1) / 3, f[2];
      double zz[2] = {m1, m2};
      for (int j = 0; j < 2; j++) {
        double lo2 = -5, hi2 = 5;
        for (int jt = 0; jt < 200; jt++) {
          double n1 = lo2 + (hi2 - lo2) / 3, n2 = hi2 - (hi2 - lo2) / 3;
          if (placed_length(0.5, p1, p2, se.r1, se.r2, phi, zz[j], n1) <
              placed_length(0.5, p1, p2, se.r1, se.r2, phi, zz[j], n2))
            hi2 = n2;
          else
            lo2 = n1;
        }
        f[j] = placed_length(0.5, p1, p2, se.r1, se.r2, phi, zz[j], 0.5 * (lo2 + hi2));
      }
      if (f[0] < f[1]) hi1 = m2;
      else lo1 = m1;
    }
    double zb1 = 0.5 * (lo1 + hi1), best = INFINITY;
    for (int a = -20; a <= 20; a++) /* no grid point near the optimum is shorter */
      for (int b = -20; b <= 20; b++) {
        double z1 = zb1 + a * 1e-4, z2 = se.r2[2] + b * 1e-4;
        double l = placed_length(0.5, p1, p2, se.r1, se.r2, phi, z1, z2);
        if (l < best) best = l;
      }
    double exact = placed_length(0.5, p1, p2, se.r1, se.r2, phi, se.r1[2], se.r2[2]);
    ck_assert_msg(exact <= best + 1e-12, "exact %.15g > brute force %.15g", exact, best);
    ck_assert_double_eq_tol(se.len, sqrt(0.25 * phi * phi + (se.r2[2] - se.r1[2]) * (se.r2[2] - se.r1[2])), 1e-12);
    double heur = placed_length(0.5, p1, p2, so.r1, so.r2, phi, so.r1[2], so.r2[2]);
    ck_assert_msg(heur >= exact - 1e-12, "heuristic %.15g shorter than exact %.15g", heur, exact);
    tested++;
  }
  ck_assert_int_ge(tested, 50);
}
END_TEST

/* A sphere wraps over a great circle: the arc is R times the angle between the tangent points,
 * the straight parts are tangent (r ⟂ p − r). */
START_TEST(sphere_tangent_great_circle) {
  hl_wrap_geom g = {HL_WRAP_SPHERE, {1.0, 0, 0}, -1, 0, HL_WRAP_HYBRID, 1, 0};
  double p1[3] = {3, 0.2, 0.1}, p2[3] = {-2, 0.3, -0.2};
  hl_wrap_seg s;
  hl_wrap_sphere(&g, p1, p2, &s);
  ck_assert_int_eq(s.ok, 1);
  double d1 = 0, d2 = 0, c = 0;
  for (int i = 0; i < 3; i++) {
    d1 += s.r1[i] * (p1[i] - s.r1[i]);
    d2 += s.r2[i] * (p2[i] - s.r2[i]);
    c += s.r1[i] * s.r2[i];
  }
  ck_assert_double_eq_tol(d1, 0, 1e-12);
  ck_assert_double_eq_tol(d2, 0, 1e-12);
  ck_assert_double_eq_tol(s.len, acos(c), 1e-12);
}
END_TEST

/* An ellipsoid with equal semi-axes is a sphere: its planar section wraps like the sphere; the
 * chord sum (1 mm chords) is within 1e-6 of the arc. */
START_TEST(ellipsoid_as_sphere) {
  hl_wrap_geom gs = {HL_WRAP_SPHERE, {0.05, 0, 0}, -1, 0, HL_WRAP_HYBRID, 1, 0};
  hl_wrap_geom ge = {HL_WRAP_ELLIPSOID, {0.05, 0.05, 0.05}, -1, 0, HL_WRAP_MIDPOINT, 1, 0};
  double p1[3] = {0.12, 0.02, 0.01}, p2[3] = {-0.1, 0.03, -0.02};
  hl_wrap_seg s, e;
  hl_wrap_sphere(&gs, p1, p2, &s);
  hl_wrap_ellipsoid(&ge, p1, p2, &e);
  ck_assert_int_eq(e.ok, 1);
  for (int i = 0; i < 3; i++) {
    ck_assert_double_eq_tol(e.r1[i], s.r1[i], 1e-9);
    ck_assert_double_eq_tol(e.r2[i], s.r2[i], 1e-9);
  }
  ck_assert_double_eq_tol(e.len, s.len, 1e-6);
}
END_TEST

/* A torus is a pulley for a segment through its hole: the tangent points lie on the tube. */
START_TEST(torus_through_the_hole) {
  hl_wrap_geom g = {HL_WRAP_TORUS, {0.01, 0.05, 0}, -1, 0, HL_WRAP_HYBRID, 1, 0};
  double p1[3] = {0.0, 0.045, 0.2}, p2[3] = {0.0, 0.045, -0.2};
  hl_wrap_seg s;
  hl_wrap_torus(&g, p1, p2, &s);
  ck_assert_int_eq(s.ok, 1);
  for (int k = 0; k < 2; k++) {
    const double *r = k ? s.r2 : s.r1;
    double rho = hypot(r[0], r[1]);
    ck_assert_double_eq_tol(hypot(rho - 0.05, r[2]), 0.01, 1e-9);
  }
}
END_TEST


/* The fuzz seed with every shape (cylinder with a quadrant and a range, sphere, ellipsoid,
 * torus, three wraps on one path) and a coupler: over a knee sweep every object wraps somewhere,
 * lengths are finite, and the lengthening speed is −Σ r q̇ over the independent coordinates
 * (the moment arms are the frozen-point Jᵀ ones, the speed moves the same points). */
START_TEST(all_shapes_on_a_path) {
  char p[1024];
  snprintf(p, sizeof p, "%s/fuzz/corpus/osim/wraps.osim", HIPLOAD_SOURCE_DIR);
  hl_model *m = NULL;
  hl_error e;
  ck_assert_msg(hl_model_load(p, &m, &e) == HL_OK, "%s", e.message);
  ck_assert_int_eq(m->nwrap, 4);
  ck_assert_int_eq(m->npathwrap, 4);
  ck_assert_int_eq(m->ncoupler, 1);
  hl_data *d = kin_new(m);
  const int nq = m->ncoord;
  double q[8] = {0}, qd[8] = {0};
  int wrapped[4] = {0, 0, 0, 0};
  for (int k = 0; k <= 40; k++) {
    q[hl_model_coord(m, "hip_angle")] = -0.3 + 0.02 * k;
    q[hl_model_coord(m, "knee_angle")] = 0.05 * k;
    qd[hl_model_coord(m, "hip_angle")] = 0.7;
    qd[hl_model_coord(m, "knee_angle")] = -1.3;
    hl_model_assemble(m, q, qd, NULL);
    ck_assert_int_eq(hl_kin_update(m, d, q, qd, NULL, NULL), HL_OK);
    ck_assert_int_eq(hl_muscle_update(m, d, 0, &e), HL_OK);
    for (int i = 0; i < m->nmuscle; i++) {
      ck_assert(isfinite(d->mus_len[i]) && d->mus_len[i] > 0);
      double s = 0;
      for (int c = 0; c < nq; c++)
        if (m->coord_coupler[c] < 0) s -= d->mus_ma[(size_t)i * nq + c] * qd[c];
      ck_assert_msg(fabs(s - d->mus_speed[i]) < 1e-12, "%s: speed %.15g, -sum r qd %.15g",
                    m->mus_name[i], d->mus_speed[i], s);
      for (int t = 0; t < d->mus_npt[i]; t++) {
        int pw = d->apt_wrap[d->mus_apt_adr[i] + t];
        if (pw >= 0) wrapped[m->pw_wrap[pw]] = 1;
      }
    }
  }
  for (int w = 0; w < 4; w++) ck_assert_msg(wrapped[w], "%s never wrapped", m->wrap_name[w]);
  hl_kin_free(d);
  hl_model_free(m);
}
END_TEST

/* ----------------------------------------------------------------- against OpenSim 4.6 */

/* Run an AnalyzeTool setup into a temporary folder (forces: JointReaction's forces file, or
 * NULL). */
static void run_setup(const char *rel, const char *forces, char *outdir, size_t n) {
  char p[1024];
  tu_tmpdir(outdir, n);
  hl_analyze_setup *s = NULL;
  hl_error e;
  ck_assert_msg(hl_setup_read(tu_data(p, sizeof p, rel), &s, &e) == HL_OK, "%s", e.message);
  hl_analyze_options o;
  hl_analyze_options_defaults(&o);
  o.out_dir = outdir;
  o.forces_file = forces;
  o.contributions = 0;
  /* OpenSim's MuscleAnalysis setups ask for moments too, which hipload does not write: allowed
   * knowingly; the wraps are still applied (allow_unsupported no longer ignores them) */
  o.allow_unsupported = s->ma_compute_moments;
  hl_analyze_report rep;
  ck_assert_msg(hl_analyze_run(s, &o, &rep, &e) == HL_OK, "%s", e.message);
  hl_setup_free(s);
}

static int is_gastroc(const char *name) { return !strncmp(name, "gas", 3); }

/* Worst error over every column of one MuscleAnalysis file; gastrocnemii (two wraps each)
 * reported apart. */
static void ma_file(const char *refdir, const char *outdir, const char *file, double *worst,
                    double *worst_gas, char *where, size_t nw) {
  char p[1200], q[1200];
  snprintf(p, sizeof p, "%s/%s", refdir, file);
  snprintf(q, sizeof q, "%s/%s", outdir, file);
  hl_table *ref = tu_read(p), *out = tu_read(q);
  for (int c = 1; c < ref->ncol; c++) {
    double e = tu_col_err(ref, out, ref->names[c], NULL);
    ck_assert_msg(e >= 0, "%s: column %s missing", file, ref->names[c]);
    double *w = is_gastroc(ref->names[c]) ? worst_gas : worst;
    if (e > *w) {
      *w = e;
      if (w == worst) snprintf(where, nw, "%s %s", file, ref->names[c]);
    }
  }
  hl_table_free(ref);
  hl_table_free(out);
}

static void ma_check(const char *setup, const char *refrel, const char *prefix, double guard_len,
                     double guard_ma, double gas_len, double gas_ma) {
  if (!tu_require_data()) return;
  char out[1024], refdir[1024];
  run_setup(setup, NULL, out, sizeof out);
  tu_data(refdir, sizeof refdir, refrel);
  static const char *coords[] = {"hip_flexion", "hip_adduction", "hip_rotation", "knee_angle",
                                 "ankle_angle", "subtalar_angle"};
  double wl = 0, wlg = 0, wm = 0, wmg = 0;
  char f[256], where_l[512] = "", where_m[512] = "";
  snprintf(f, sizeof f, "%s_MuscleAnalysis_Length.sto", prefix);
  ma_file(refdir, out, f, &wl, &wlg, where_l, sizeof where_l);
  for (int c = 0; c < 6; c++)
    for (int s = 0; s < 2; s++) {
      snprintf(f, sizeof f, "%s_MuscleAnalysis_MomentArm_%s_%c.sto", prefix, coords[c], s ? 'l' : 'r');
      ma_file(refdir, out, f, &wm, &wmg, where_m, sizeof where_m);
    }
  fprintf(stderr, "%s: worst length error %.3g m (%s), moment arm %.3g m (%s); gastrocnemii "
          "%.3g m, %.3g m\n", setup, wl, where_l, wm, where_m, wlg, wmg);
  /* acceptance: 1e-6 m and 1e-5 m (issue 16); guards near today's error (the files carry 8
   * significant digits, 5e-9 m) */
  ck_assert_msg(wl <= 1e-6 && wl <= guard_len, "length error %.3g m (%s)", wl, where_l);
  ck_assert_msg(wm <= 1e-5 && wm <= guard_ma, "moment arm error %.3g m (%s)", wm, where_m);
  /* the two-wrap gastrocnemii do not meet the bar yet (docs/wrapping.md): guards on today's */
  ck_assert_msg(wlg <= gas_len && wmg <= gas_ma, "gastrocnemii %.3g m, %.3g m", wlg, wmg);
}

START_TEST(muscle_analysis_rajagopal_walk) {
  ma_check("walk-rajagopal-so/opensim-4.6/setup_ma.xml", "walk-rajagopal-so/opensim-4.6", "raj_ma",
           1e-8, 1e-8, 8e-3, 9e-4);
}
END_TEST

START_TEST(muscle_analysis_lai_sweeps) {
  ma_check("models/opensim-4.6-sweeps/setup_ma_lai.xml", "models/opensim-4.6-sweeps", "lai2022",
           1e-8, 1e-8, 8e-3, 8e-4);
}
END_TEST

/* Joint reaction with OpenSim's static-optimization forces: hip, knee, ankle and
 * patellofemoral resultants within 1 % of their peaks (acceptance), guards near today's. */
START_TEST(joint_reaction_with_opensim_forces) {
  if (!tu_require_data()) return;
  char p[1024], ff[1024], out[1024], q[1200];
  run_setup("walk-rajagopal-so/opensim-4.6/setup_jr.xml",
            tu_data(ff, sizeof ff, "walk-rajagopal-so/opensim-4.6/raj_r_StaticOptimization_force.sto"),
            out, sizeof out);
  hl_table *ref = tu_read(tu_data(p, sizeof p, "walk-rajagopal-so/opensim-4.6/raj_r_JointReaction_ReactionLoads.sto"));
  snprintf(q, sizeof q, "%s/raj_r_JointReaction_ReactionLoads.sto", out);
  hl_table *got = tu_read(q);
  static const char *v[] = {"hip_r_on_femur_r_in_femur_r_f", "walker_knee_r_on_tibia_r_in_tibia_r_f",
                            "ankle_r_on_talus_r_in_talus_r_f", "patellofemoral_r_on_patella_r_in_patella_r_f"};
  static const double guard[] = {5e-4, 1e-3, 5e-4, 5e-4};
  for (int k = 0; k < 4; k++) {
    double peak, err = tu_vec_err(ref, got, v[k], &peak);
    fprintf(stderr, "JR %s: %.3g N of peak %.0f N (%.3f %%)\n", v[k], err, peak, 100 * err / peak);
    ck_assert_msg(err >= 0 && err <= 0.01 * peak && err <= guard[k] * peak, "%s: %g N of %g", v[k], err, peak);
  }
  hl_table_free(ref);
  hl_table_free(got);
}
END_TEST

/* ------------------------------------------------------- couplers, exact option, assembly */

static hl_model *rajagopal(void) {
  char p[1024];
  hl_model *m = NULL;
  hl_error e;
  ck_assert_msg(hl_model_load(tu_data(p, sizeof p, "walk-rajagopal-so/Rajagopal_scaled_Sub1_gasAvoid.osim"), &m, &e) == HL_OK, "%s", e.message);
  return m;
}

/* A few assembled frames of the walking trial. */
static hl_motion *walk_frames(const hl_model *m, double t0, double t1) {
  char p[1024];
  hl_table *t = NULL;
  hl_error e;
  ck_assert_msg(hl_table_read(tu_data(p, sizeof p, "walk-rajagopal-so/results_ik.sto"), &t, &e) == HL_OK, "%s", e.message);
  hl_motion_settings ms;
  hl_motion_settings_defaults(&ms);
  ms.t0 = t0;
  ms.t1 = t1;
  hl_motion *mo = NULL;
  ck_assert_msg(hl_motion_create(m, t, &ms, &mo, &e) == HL_OK, "%s", e.message);
  hl_table_free(t);
  return mo;
}

/* Assembly sets the patella's coordinate from the knee (radians although the file is in
 * degrees), its speed and acceleration too; the couplers are read. */
START_TEST(coupler_assembly) {
  if (!tu_require_data()) return;
  hl_model *m = rajagopal();
  ck_assert_int_eq(m->ncoupler, 2);
  int kn = hl_model_coord(m, "knee_angle_r"), b = hl_model_coord(m, "knee_angle_r_beta");
  ck_assert_int_eq(m->coord_coupler[b], 0);
  ck_assert_int_eq(m->coord_coupled[b], 1);
  ck_assert_int_eq(m->coord_coupled[kn], 0);
  hl_motion *mo = walk_frames(m, 10.0, 10.2);
  for (int f = 0; f < mo->nframe; f++) {
    const double *q = mo->q + (size_t)f * m->ncoord;
    ck_assert_double_eq(q[b], q[kn]);
    ck_assert_double_eq(mo->qd[(size_t)f * m->ncoord + b], mo->qd[(size_t)f * m->ncoord + kn]);
    ck_assert(q[kn] > 0.05 && q[kn] < 1.5); /* radians */
  }
  /* clamping: a knee below its range (0) is held at 0, the patella follows */
  double *q = calloc((size_t)m->ncoord, sizeof(double));
  q[kn] = -0.2;
  ck_assert_int_eq(m->assemble_clamps, 1);
  ck_assert_int_eq(hl_model_assemble(m, q, NULL, NULL), 1);
  ck_assert_double_eq(q[kn], 0.0);
  ck_assert_double_eq(q[b], 0.0);
  free(q);
  hl_motion_free(mo);
  hl_model_free(m);
}
END_TEST

/* Length of muscle i at q (assembled first). */
static double length_at(const hl_model *m, hl_data *d, int i, double *q) {
  hl_model_assemble(m, q, NULL, NULL);
  ck_assert_int_eq(hl_kin_update(m, d, q, NULL, NULL, NULL), HL_OK);
  hl_error e;
  ck_assert_int_eq(hl_muscle_update(m, d, 0, &e), HL_OK);
  return d->mus_len[i];
}

/* In the exact mode the moment arms (the same Jᵀ formula, couplers folded) are −dL/dq of the
 * path length with the dependent coordinates following (central differences, h = 1e-6), for
 * every wrapping muscle of both legs, the two-wrap gastrocnemii included. In OpenSim's mode
 * they are not (docs/wrapping.md): iliacus_r's hip adduction moment arm differs. */
START_TEST(exact_moment_arm_is_minus_dl_dq) {
  if (!tu_require_data()) return;
  hl_model *m = rajagopal();
  m->wrap_mode = HL_WRAP_EXACT;
  hl_motion *mo = walk_frames(m, 10.30, 10.34);
  hl_data *d = kin_new(m), *dd = kin_new(m);
  const int nq = m->ncoord;
  double *q = malloc(sizeof(double) * (size_t)nq), worst = 0;
  hl_error e;
  int ntested = 0;
  for (int f = 0; f < mo->nframe; f++) {
    memcpy(q, mo->q + (size_t)f * nq, sizeof(double) * (size_t)nq);
    ck_assert_int_eq(hl_kin_update(m, d, q, NULL, NULL, NULL), HL_OK);
    ck_assert_int_eq(hl_muscle_update(m, d, 0, &e), HL_OK);
    for (int i = 0; i < m->nmuscle; i++) {
      if (!m->mus_wrap_num[i]) continue;
      for (int c = 0; c < nq; c++) {
        if (m->coord_coupler[c] >= 0 || m->coord_locked[c]) continue;
        double ma = d->mus_ma[(size_t)i * nq + c], h = 1e-6, v = q[c];
        q[c] = v + h;
        double lp = length_at(m, dd, i, q);
        q[c] = v - h;
        double lm = length_at(m, dd, i, q);
        q[c] = v;
        hl_model_assemble(m, q, NULL, NULL);
        if (dd->mus_wrap_events[i] & (HL_WRAPEV_INSIDE | HL_WRAPEV_CAPS)) continue; /* an event */
        double err = fabs(ma + (lp - lm) / (2 * h));
        if (err > worst) worst = err;
        ntested++;
        ck_assert_msg(err < 2e-8, "%s / %s: moment arm %.12g, -dL/dq %.12g", m->mus_name[i],
                      m->coord_name[c], ma, -(lp - lm) / (2 * h));
      }
    }
  }
  fprintf(stderr, "exact mode: worst |r + dL/dq| %.3g m over %d moment arms\n", worst, ntested);
  ck_assert_int_gt(ntested, 500);
  free(q);
  hl_kin_free(d);
  hl_kin_free(dd);
  hl_motion_free(mo);
  hl_model_free(m);
}
END_TEST


/* Uniform scaling scales wrapped paths with everything else: lengths × s (and so every moment
 * arm about a rotation), to round-off, in both wrap modes — except OpenSim's two-wrap paths,
 * whose 2 mm helix samples and 0.5 mm pass stop are absolute lengths. */
START_TEST(scaled_model_scales_wrapped_paths) {
  if (!tu_require_data()) return;
  for (int mode = 0; mode < 2; mode++) {
    hl_model *a = rajagopal(), *b = rajagopal();
    a->wrap_mode = b->wrap_mode = mode;
    hl_error e;
    ck_assert_int_eq(hl_model_scale(b, 1.1, 1.0, &e), HL_OK);
    hl_motion *mo = walk_frames(a, 10.40, 10.44);
    hl_data *da = kin_new(a), *db = kin_new(b);
    for (int f = 0; f < mo->nframe; f++) {
      const double *q = mo->q + (size_t)f * a->ncoord;
      ck_assert_int_eq(hl_kin_update(a, da, q, NULL, NULL, NULL), HL_OK);
      ck_assert_int_eq(hl_kin_update(b, db, q, NULL, NULL, NULL), HL_OK);
      ck_assert_int_eq(hl_muscle_update(a, da, 0, &e), HL_OK);
      ck_assert_int_eq(hl_muscle_update(b, db, 0, &e), HL_OK);
      for (int i = 0; i < a->nmuscle; i++)
        if (mode == HL_WRAP_EXACT || a->mus_wrap_num[i] < 2)
          ck_assert_msg(fabs(db->mus_len[i] - 1.1 * da->mus_len[i]) < 1e-12, "%s: %.15g vs %.15g",
                      a->mus_name[i], db->mus_len[i], 1.1 * da->mus_len[i]);
    }
    hl_kin_free(da);
    hl_kin_free(db);
    hl_motion_free(mo);
    hl_model_free(a);
    hl_model_free(b);
  }
}
END_TEST

/* ------------------------------------------------------------------------- bad input */

static char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)len + 1);
  ck_assert_int_eq(fread(s, 1, (size_t)len, f), (size_t)len);
  s[len] = 0;
  fclose(f);
  *n = (size_t)len;
  return s;
}

/* Replace the first occurrence of `from` after `anchor` with `to`, load, expect status and the
 * message pieces (file name, line, field). */
static void bad_model(const char *anchor, const char *from, const char *to, hl_status want,
                      const char *field) {
  char p[1024];
  size_t n;
  char *s = slurp(tu_data(p, sizeof p, "walk-rajagopal-so/Rajagopal_scaled_Sub1_gasAvoid.osim"), &n);
  char *a = strstr(s, anchor);
  ck_assert_ptr_nonnull(a);
  char *at = strstr(a, from);
  ck_assert_ptr_nonnull(at);
  size_t nf = strlen(from), nt = strlen(to);
  char *t = malloc(n + nt + 1);
  size_t pre = (size_t)(at - s);
  memcpy(t, s, pre);
  memcpy(t + pre, to, nt);
  strcpy(t + pre + nt, at + nf);
  hl_model *m = NULL;
  hl_error e;
  hl_status st = hl_model_load_memory(t, strlen(t), "bad.osim", &m, &e);
  ck_assert_msg(st == want, "status %d (%s), expected %d", st, e.message, want);
  ck_assert_ptr_null(m);
  ck_assert_msg(strstr(e.message, field) != NULL, "'%s' does not name %s", e.message, field);
  ck_assert_msg(!strcmp(e.file, "bad.osim") && e.line > 0, "file %s line %d", e.file, e.line);
  free(s);
  free(t);
}

START_TEST(bad_wrap_input) {
  if (!tu_require_data()) return;
  bad_model("<WrapCylinder name=\"Gmax1_at_pelvis_r\"", "<radius>", "<radius>-", HL_ERR_BAD_VALUE, "radius");
  bad_model("<WrapCylinder name=\"Gmax1_at_pelvis_r\"", "<length>", "<length>0*", HL_ERR_PARSE, "length");
  bad_model("<WrapCylinder name=\"Gmax1_at_pelvis_r\"", "<quadrant>-x", "<quadrant>-w", HL_ERR_PARSE, "quadrant");
  bad_model("<PathWrap name=", "<wrap_object>", "<wrap_object>No_such_", HL_ERR_NOT_FOUND, "No_such_");
  bad_model("<PathWrap name=", "<range>-1 -1", "<range>1 7", HL_ERR_BAD_VALUE, "range");
  bad_model("<PathWrap name=", "<method>hybrid", "<method>spiral", HL_ERR_PARSE, "method");
}
END_TEST

/* Zero dimensions, written out whole: a cylinder of radius 0 and an ellipsoid with a zero axis. */
START_TEST(bad_zero_dimensions) {
  if (!tu_require_data()) return;
  char p[1024];
  size_t n;
  char *s = slurp(tu_data(p, sizeof p, "walk-rajagopal-so/Rajagopal_scaled_Sub1_gasAvoid.osim"), &n);
  char *r = strstr(strstr(s, "<WrapCylinder name=\"Gmax1_at_pelvis_r\""), "<radius>") + 8;
  char *end = strstr(r, "</radius>");
  memset(r, ' ', (size_t)(end - r));
  r[0] = '0';
  hl_model *m = NULL;
  hl_error e;
  ck_assert_int_eq(hl_model_load_memory(s, n, "zero.osim", &m, &e), HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(e.message, "radius 0 and length"));
  ck_assert_ptr_nonnull(strstr(e.message, "Gmax1_at_pelvis_r"));
  free(s);
}
END_TEST

int main(void) {
  Suite *s = suite_create("wrap");
  TCase *tc = tcase_create("surfaces");
  tcase_add_test(tc, cylinder_opensim_vectors);
  tcase_add_test(tc, cylinder_exact_is_shortest);
  tcase_add_test(tc, sphere_tangent_great_circle);
  tcase_add_test(tc, ellipsoid_as_sphere);
  tcase_add_test(tc, torus_through_the_hole);
  tcase_add_test(tc, all_shapes_on_a_path);
  suite_add_tcase(s, tc);
  TCase *tr = tcase_create("opensim");
  tcase_set_timeout(tr, 600);
  tcase_add_test(tr, muscle_analysis_rajagopal_walk);
  tcase_add_test(tr, muscle_analysis_lai_sweeps);
  tcase_add_test(tr, joint_reaction_with_opensim_forces);
  tcase_add_test(tr, coupler_assembly);
  tcase_add_test(tr, exact_moment_arm_is_minus_dl_dq);
  tcase_add_test(tr, scaled_model_scales_wrapped_paths);
  tcase_add_test(tr, bad_wrap_input);
  tcase_add_test(tr, bad_zero_dimensions);
  suite_add_tcase(s, tr);
  return tu_run(s);
}
