/* SPDX-License-Identifier: Apache-2.0 */
/* Inverse dynamics per frame on hand-filled models and kinematics (no .osim, no hl_kin_update):
 * every expected number below comes from a closed-form formula written in the test. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/invdyn.h"
#include "hipload/motion.h"
#include "testutil.h"

#define TPI 3.14159265358979323846

/* A planar chain of up to 3 bodies (ground + 2 links) with pin joints about ground z, filled by
 * hand. Link k has its origin at its joint; link 2 hangs off link 1 at (L1, 0, 0). */
typedef struct chain {
  hl_model m;
  hl_data d;
  char bname[3][HL_NAME_MAX];
  char cname[2][HL_NAME_MAX];
  char jname[2][HL_NAME_MAX];
  double mass[3], com[9], inertia[27];
  int bparent[3], bjoint[3];
  int jparent[2], jchild[2], jadr[2], jnum[2];
  double jchild_p[6];
  double R[27], p[9], J[6 * 2 * 3], w[9], v[9], dw[9], a[9];
  int rot[2];     /* q1 rotational, q2 translational */
  double def[2];  /* default values */
} chain;

static void rotz(double th, double *R) {
  double c = cos(th), s = sin(th);
  double M[9] = {c, -s, 0, s, c, 0, 0, 0, 1};
  memcpy(R, M, sizeof M);
}

static void chain_init(chain *c, int nlink) {
  memset(c, 0, sizeof *c);
  hl_model *m = &c->m;
  m->nbody = nlink + 1;
  m->njoint = nlink;
  m->ncoord = nlink;
  m->body_name = c->bname;
  m->coord_name = c->cname;
  m->jnt_name = c->jname;
  strcpy(c->bname[0], "ground");
  strcpy(c->bname[1], "link1");
  strcpy(c->bname[2], "link2");
  strcpy(c->cname[0], "q1");
  strcpy(c->cname[1], "q2");
  m->body_mass = c->mass;
  m->body_com = c->com;
  m->body_inertia = c->inertia;
  m->body_parent = c->bparent;
  m->body_joint = c->bjoint;
  m->jnt_parent = c->jparent;
  m->jnt_child = c->jchild;
  m->jnt_child_p = c->jchild_p;
  m->jnt_coord_adr = c->jadr;
  m->jnt_coord_num = c->jnum;
  m->coord_rotational = c->rot;
  m->coord_default = c->def;
  c->rot[0] = 1;
  c->def[0] = 0.25;
  c->def[1] = -0.5;
  c->bparent[0] = -1;
  c->bjoint[0] = -1;
  for (int k = 0; k < nlink; k++) {
    c->bparent[k + 1] = k;
    c->bjoint[k + 1] = k;
    c->jparent[k] = k;
    c->jchild[k] = k + 1;
    c->jadr[k] = k;
    c->jnum[k] = 1;
  }
  hl_data *d = &c->d;
  d->nq = nlink;
  d->body_R = c->R;
  d->body_p = c->p;
  d->body_J = c->J;
  d->body_w = c->w;
  d->body_v = c->v;
  d->body_dw = c->dw;
  d->body_a = c->a;
  rotz(0, c->R); /* ground */
}

/* Single pendulum: τ = m g l sin θ + (I + m l²) θ̈, for a link whose COM hangs l below the pivot. */
START_TEST(test_pendulum) {
  chain c;
  chain_init(&c, 1);
  const double mass = 3.0, l = 0.4, I = 0.05, g = 9.81;
  const double th = 0.7, thd = -1.3, thdd = 2.2;
  c.m.gravity[1] = -g;
  c.mass[1] = mass;
  c.com[3 + 1] = -l;
  c.inertia[9 + 8] = I; /* Izz about the COM */
  c.inertia[9 + 0] = c.inertia[9 + 4] = 0.1;
  rotz(th, c.R + 9);
  /* Jacobian of link 1 (6×1): ω_z = θ̇, origin fixed */
  c.J[6 * 1 * 1 + 2] = 1.0;
  c.w[3 + 2] = thd;
  c.dw[3 + 2] = thdd;

  hl_invdyn *w = NULL;
  hl_invdyn_create(&c.m, &w, NULL);
  ck_assert_ptr_nonnull(w);
  double tau[1], jf[3], jm[3];
  hl_error e;
  ck_assert_int_eq(hl_invdyn_frame(&c.m, w, &c.d, NULL, tau, jf, jm, &e), HL_OK);
  double expect = mass * g * l * sin(th) + (I + mass * l * l) * thdd;
  ck_assert_double_eq_tol(tau[0], expect, 1e-12);
  /* the joint moment about the pivot carries the whole τ */
  ck_assert_double_eq_tol(jm[2], expect, 1e-12);
  ck_assert_double_eq_tol(jm[0], 0.0, 1e-12);
  /* joint force onto the link = m (a_com − g); COM at (l sinθ, −l cosθ) */
  double ax = l * cos(th) * thdd - l * sin(th) * thd * thd;
  double ay = l * sin(th) * thdd + l * cos(th) * thd * thd;
  ck_assert_double_eq_tol(jf[0], mass * ax, 1e-12);
  ck_assert_double_eq_tol(jf[1], mass * (ay + g), 1e-12);
  ck_assert_double_eq_tol(jf[2], 0.0, 1e-12);
  /* residual coordinates: the pendulum's joint hangs on ground */
  int idx[4];
  ck_assert_int_eq(hl_invdyn_root_coords(&c.m, idx, 4), 1);
  ck_assert_int_eq(idx[0], 0);
  hl_invdyn_free(w);
}
END_TEST

/* Two-link planar chain, at rest, with gravity and a known force F at the tip of link 2:
 * τ_i = −Σ_{bodies outboard of joint i} ((c_b − O_i) × m_b g)_z − ((tip − O_i) × F)_z. */
START_TEST(test_two_link_tip_force) {
  chain c;
  chain_init(&c, 2);
  const double L1 = 0.45, L2 = 0.4, m1 = 7.0, m2 = 3.5, g = 9.81;
  const double q1 = 0.3, q2 = -0.9;
  const double F[3] = {35.0, 700.0, 0.0};
  c.m.gravity[1] = -g;
  c.mass[1] = m1;
  c.mass[2] = m2;
  c.com[3] = 0.5 * L1;
  c.com[6] = 0.4 * L2;
  c.jchild_p[3] = 0.0; /* joint 2 centre at link 2's origin */
  rotz(q1, c.R + 9);
  rotz(q1 + q2, c.R + 18);
  double O2[3] = {L1 * cos(q1), L1 * sin(q1), 0};
  memcpy(c.p + 6, O2, sizeof O2);
  /* Jacobians (6×2 each): link1 ω_z = q̇1; link2 ω_z = q̇1 + q̇2, v_O2 = ẑ × O2 q̇1 */
  double *J1 = c.J + 12 * 1, *J2 = c.J + 12 * 2;
  J1[2 * 2 + 0] = 1.0;
  J2[2 * 2 + 0] = 1.0;
  J2[2 * 2 + 1] = 1.0;
  J2[3 * 2 + 0] = -O2[1];
  J2[4 * 2 + 0] = O2[0];
  double tip[3] = {O2[0] + L2 * cos(q1 + q2), O2[1] + L2 * sin(q1 + q2), 0};
  double ext[18] = {0};
  hl_invdyn_add_point_force(&c.d, 2, F, tip, NULL, ext);

  hl_invdyn *w = NULL;
  hl_invdyn_create(&c.m, &w, NULL);
  double tau[2], jf[6], jm[6];
  ck_assert_int_eq(hl_invdyn_frame(&c.m, w, &c.d, ext, tau, jf, jm, NULL), HL_OK);
  double c1[2] = {0.5 * L1 * cos(q1), 0.5 * L1 * sin(q1)};
  double c2[2] = {O2[0] + 0.4 * L2 * cos(q1 + q2), O2[1] + 0.4 * L2 * sin(q1 + q2)};
  /* (r × m g)_z with g = (0, −g): −r_x m g */
  double t2 = -(-(c2[0] - O2[0]) * m2 * g) - ((tip[0] - O2[0]) * F[1] - (tip[1] - O2[1]) * F[0]);
  double t1 = -(-c1[0] * m1 * g) - (-c2[0] * m2 * g) - (tip[0] * F[1] - tip[1] * F[0]);
  ck_assert_double_eq_tol(tau[0], t1, 1e-10);
  ck_assert_double_eq_tol(tau[1], t2, 1e-10);
  /* intersegmental forces at rest: onto link 2 = −m2 g − F, onto link 1 = −(m1 + m2) g − F */
  ck_assert_double_eq_tol(jf[3 + 0], -F[0], 1e-10);
  ck_assert_double_eq_tol(jf[3 + 1], m2 * g - F[1], 1e-10);
  ck_assert_double_eq_tol(jf[0], -F[0], 1e-10);
  ck_assert_double_eq_tol(jf[1], (m1 + m2) * g - F[1], 1e-10);
  /* moments about each joint centre equal the joint's τ (planar pin joints) */
  ck_assert_double_eq_tol(jm[2], t1, 1e-10);
  ck_assert_double_eq_tol(jm[3 + 2], t2, 1e-10);
  hl_invdyn_free(w);
}
END_TEST

/* A free torque is carried unchanged; a force through a point adds r × F about the origin. */
START_TEST(test_add_point_force) {
  chain c;
  chain_init(&c, 1);
  c.p[3] = 1.0;
  c.p[4] = 2.0;
  double ext[12] = {0};
  const double f[3] = {0, 10, 0}, pt[3] = {3, 2, 0}, tq[3] = {0, 0, 5};
  hl_invdyn_add_point_force(&c.d, 1, f, pt, tq, ext);
  ck_assert_double_eq_tol(ext[6 + 1], 10.0, 1e-15);
  /* r = (2, 0, 0): r × F = (0, 0, 20), plus the torque 5 */
  ck_assert_double_eq_tol(ext[6 + 5], 25.0, 1e-15);
  ck_assert_double_eq_tol(ext[6 + 3], 0.0, 1e-15);
}
END_TEST

START_TEST(test_bad_arguments) {
  chain c;
  chain_init(&c, 1);
  hl_invdyn *w = NULL;
  hl_invdyn_create(&c.m, &w, NULL);
  hl_error e;
  double tau[1];
  ck_assert_int_eq(hl_invdyn_frame(&c.m, w, &c.d, NULL, NULL, NULL, NULL, &e), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(e.message, "NULL"));
  /* a non-finite acceleration is reported with the coordinate's name */
  c.J[6 + 2] = 1.0;
  c.inertia[9 + 8] = 1.0;
  c.dw[3 + 2] = NAN;
  ck_assert_int_eq(hl_invdyn_frame(&c.m, w, &c.d, NULL, tau, NULL, NULL, &e), HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(e.message, "'q1'"));
  /* a workspace made for another model is refused */
  chain c2;
  chain_init(&c2, 2);
  ck_assert_int_eq(hl_invdyn_frame(&c2.m, w, &c2.d, NULL, tau, NULL, NULL, &e), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(e.message, "workspace"));
  hl_invdyn_free(w);
  hl_invdyn_free(NULL);
}
END_TEST

/* ------------------------------------------------------------------ external loads */

static hl_extloads *one_force_loads(const char *body, const char *point_frame) {
  const char *names[10] = {"time", "f_vx", "f_vy", "f_vz", "f_px", "f_py", "f_pz", "f_tx", "f_ty", "f_tz"};
  hl_table *t = NULL;
  hl_table_create(2, 10, names, &t, NULL);
  for (int r = 0; r < 2; r++) {
    double row[10] = {r * 1.0, 10, 0, 0, 1, 0, 0, 0, 0, 2};
    memcpy(t->data + 10 * r, row, sizeof row);
  }
  char xml[1024];
  snprintf(xml, sizeof xml,
           "<OpenSimDocument Version=\"40000\"><ExternalLoads><objects>"
           "<ExternalForce name=\"F1\"><applied_to_body>%s</applied_to_body>"
           "<force_expressed_in_body>ground</force_expressed_in_body>"
           "<point_expressed_in_body>%s</point_expressed_in_body>"
           "<force_identifier>f_v</force_identifier><point_identifier>f_p</point_identifier>"
           "<torque_identifier>f_t</torque_identifier></ExternalForce>"
           "</objects><datafile>mem.mot</datafile></ExternalLoads></OpenSimDocument>",
           body, point_frame);
  hl_extloads *x = NULL;
  hl_error e;
  if (hl_extloads_load_memory(xml, strlen(xml), "mem.xml", t, &x, &e) != HL_OK) return NULL;
  return x;
}

/* Force (10,0,0) N at (1,0,0) in link1's frame, link1 turned 90° about z at the origin: the point
 * is (0,1,0) in ground, r × F = (0,0,−10); with the free torque (0,0,2): M_z = −8 N·m. */
START_TEST(test_ext_wrenches) {
  chain c;
  chain_init(&c, 1);
  rotz(TPI / 2, c.R + 9);
  hl_extloads *x = one_force_loads("link1", "link1");
  ck_assert_ptr_nonnull(x);
  hl_invdyn_extmap *map = NULL;
  hl_error e;
  ck_assert_int_eq(hl_invdyn_extmap_create(&c.m, x, &map, &e), HL_OK);
  ck_assert_int_eq(map->body[0], 1);
  ck_assert_int_eq(map->point_frame[0], 1);
  double ext[12];
  hl_invdyn_ext_wrenches(&c.m, &c.d, x, map, 0.5, ext);
  ck_assert_double_eq_tol(ext[6 + 0], 10.0, 1e-12);
  ck_assert_double_eq_tol(ext[6 + 5], -8.0, 1e-12);
  ck_assert_double_eq_tol(ext[0], 0.0, 1e-12); /* nothing on ground */
  hl_invdyn_extmap_free(map);
  hl_extloads_free(x);

  x = one_force_loads("calcn_r", "ground");
  ck_assert_int_eq(hl_invdyn_extmap_create(&c.m, x, &map, &e), HL_ERR_NOT_FOUND);
  ck_assert_ptr_null(map);
  ck_assert_ptr_nonnull(strstr(e.message, "'F1'"));
  ck_assert_ptr_nonnull(strstr(e.message, "applied_to_body 'calcn_r'"));
  hl_extloads_free(x);
  x = one_force_loads("link1", "tibia");
  ck_assert_int_eq(hl_invdyn_extmap_create(&c.m, x, &map, &e), HL_ERR_NOT_FOUND);
  ck_assert_ptr_nonnull(strstr(e.message, "point_expressed_in_body 'tibia'"));
  hl_extloads_free(x);
}
END_TEST

/* ------------------------------------------------------------------ motion pipeline */

static hl_table *make_table(int n, double dt, double (*f)(double), const char *colname, int deg) {
  const char *names[3] = {"time", colname, "extra"};
  hl_table *t = NULL;
  hl_table_create(n, 3, names, &t, NULL);
  for (int r = 0; r < n; r++) {
    double tm = 0.1 + r * dt;
    t->data[3 * r] = tm;
    t->data[3 * r + 1] = f(tm);
    t->data[3 * r + 2] = 99.0;
  }
  t->in_degrees = deg;
  return t;
}

static double cubic(double x) { return 2.0 + 3.0 * x - 1.5 * x * x + 0.5 * x * x * x; }

/* A cubic is reproduced exactly by a quintic interpolating spline: q, q̇, q̈ checkable by hand. */
START_TEST(test_motion_cubic) {
  chain c;
  chain_init(&c, 2);
  hl_table *t = make_table(41, 0.01, cubic, "q1", 0);
  hl_motion_settings s;
  hl_motion_settings_defaults(&s);
  s.in_degrees = 0;
  s.t0 = 0.2;
  s.t1 = 0.4;
  hl_motion *mo = NULL;
  hl_error e;
  ck_assert_int_eq(hl_motion_create(&c.m, t, &s, &mo, &e), HL_OK);
  ck_assert_int_eq(mo->nframe, 21);
  ck_assert_int_eq(mo->nmissing, 1);
  ck_assert_int_eq(mo->missing[0], 1);
  for (int f = 0; f < mo->nframe; f++) {
    double x = mo->t[f];
    ck_assert_double_eq_tol(mo->q[2 * f], cubic(x), 1e-9);
    ck_assert_double_eq_tol(mo->qd[2 * f], 3.0 - 3.0 * x + 1.5 * x * x, 1e-6);
    ck_assert_double_eq_tol(mo->qdd[2 * f], -3.0 + 3.0 * x, 1e-4);
    ck_assert_double_eq(mo->q[2 * f + 1], -0.5); /* missing: default */
    ck_assert_double_eq(mo->qdd[2 * f + 1], 0.0);
  }
  ck_assert_double_eq_tol(mo->t[0], 0.2, 1e-12);
  hl_motion_free(mo);

  /* OpenSim's AnalyzeTool rule: the first row, the rows whose file index is a multiple of the
   * step, the last row. t0 = 0.2 is file row 10, t1 = 0.4 row 30: step 4 → rows 10, 12, 16, 20,
   * 24, 28, 30 → 7 frames */
  s.step_interval = 4;
  s.acc = HL_MOTION_ACC_SPEEDSPLINE;
  ck_assert_int_eq(hl_motion_create(&c.m, t, &s, &mo, &e), HL_OK);
  ck_assert_int_eq(mo->nframe, 7);
  ck_assert_double_eq_tol(mo->t[1], 0.22, 1e-12);
  ck_assert_double_eq_tol(mo->t[6], 0.4, 1e-12);
  for (int f = 0; f < mo->nframe; f++)
    ck_assert_double_eq_tol(mo->qdd[2 * f], -3.0 + 3.0 * mo->t[f], 1e-3);
  hl_motion_free(mo);
  s.step_interval = 3; /* rows 10, 12, 15, 18, 21, 24, 27, 30 */
  ck_assert_int_eq(hl_motion_create(&c.m, t, &s, &mo, &e), HL_OK);
  ck_assert_int_eq(mo->nframe, 8);
  ck_assert_double_eq_tol(mo->t[7], 0.4, 1e-12);
  hl_motion_free(mo);
  hl_table_free(t);
}
END_TEST

static double deg_line(double x) { return 10.0 + 90.0 * x; }

/* Degrees: rotational coordinates only; a range start between rows picks the row before it. */
START_TEST(test_motion_degrees_and_range) {
  chain c;
  chain_init(&c, 2);
  hl_table *t = make_table(20, 0.01, deg_line, "q1", 1);
  hl_motion_settings s;
  hl_motion_settings_defaults(&s);
  s.t0 = 0.125; /* rows at 0.12 and 0.13: OpenSim's findIndex takes 0.12 */
  hl_motion *mo = NULL;
  ck_assert_int_eq(hl_motion_create(&c.m, t, &s, &mo, NULL), HL_OK);
  ck_assert_double_eq_tol(mo->t[0], 0.12, 1e-12);
  ck_assert_double_eq_tol(mo->q[0], (10.0 + 90.0 * 0.12) * TPI / 180.0, 1e-9);
  ck_assert_double_eq_tol(mo->qd[0], 90.0 * TPI / 180.0, 1e-7);
  ck_assert_int_eq(mo->nframe, 20 - 2);
  hl_motion_free(mo);
  hl_table_free(t);
}
END_TEST

static double sine3(double x) { return sin(2.0 * TPI * 1.0 * x); }

/* Filtering pads n/2 rows each side (the frames can start before the first file row, as in
 * OpenSim's reference output at 0.39999934 s for a file starting at 0.5 s) and keeps a 1 Hz sine
 * under a 6 Hz cutoff within 1 %. */
START_TEST(test_motion_filter_padding) {
  chain c;
  chain_init(&c, 1);
  c.rot[0] = 0;
  hl_table *t = make_table(121, 1.0 / 60, sine3, "q1", 0);
  hl_motion_settings s;
  hl_motion_settings_defaults(&s);
  s.lowpass_hz = 6.0;
  s.t0 = 0.0;
  s.t1 = 2.5;
  hl_motion *mo = NULL;
  hl_error e;
  ck_assert_int_eq(hl_motion_create(&c.m, t, &s, &mo, &e), HL_OK);
  ck_assert_int_eq(mo->nrow_processed, 121 + 2 * 60);
  ck_assert(mo->t[0] < 0.1 - 1e-3);          /* inside the padding */
  ck_assert_double_eq_tol(mo->t[0], 0.0, 1.0 / 60 + 1e-9);
  for (int f = 0; f < mo->nframe; f++) {
    double x = mo->t[f];
    if (x < 0.1 || x > 2.1) continue;
    ck_assert_double_eq_tol(mo->q[f], sin(2 * TPI * x), 0.01);
  }
  hl_motion_free(mo);
  hl_table_free(t);
}
END_TEST

START_TEST(test_motion_errors) {
  chain c;
  chain_init(&c, 1);
  hl_error e;
  hl_motion *mo = NULL;
  hl_table *t = make_table(5, 0.01, cubic, "q1", 0);
  ck_assert_int_eq(hl_motion_create(&c.m, t, NULL, &mo, &e), HL_ERR_RANGE);
  ck_assert_ptr_nonnull(strstr(e.message, "at least 6"));
  ck_assert_ptr_null(mo);
  hl_table_free(t);
  t = make_table(10, 0.01, cubic, "q1", 0);
  t->data[3 * 4] = t->data[3 * 3] - 0.001; /* time goes back at data row 5 */
  ck_assert_int_eq(hl_motion_create(&c.m, t, NULL, &mo, &e), HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(e.message, "decreases at data row 5"));
  t->data[3 * 4] = t->data[3 * 3] + 1e-13; /* a repeated time is dropped, not an error */
  ck_assert_int_eq(hl_motion_create(&c.m, t, NULL, &mo, &e), HL_OK);
  ck_assert_int_eq(mo->nrow_processed, 9);
  hl_motion_free(mo);
  mo = NULL;
  t->data[3 * 4] = 0.135;
  t->data[3 * 6 + 1] = NAN;
  ck_assert_int_eq(hl_motion_create(&c.m, t, NULL, &mo, &e), HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(e.message, "'q1'"));
  ck_assert_ptr_nonnull(strstr(e.message, "row 7"));
  t->data[3 * 6 + 1] = 1.0;
  hl_motion_settings s;
  hl_motion_settings_defaults(&s);
  s.t0 = 5.0;
  s.t1 = 6.0;
  ck_assert_int_eq(hl_motion_create(&c.m, t, &s, &mo, &e), HL_ERR_RANGE);
  ck_assert_ptr_nonnull(strstr(e.message, "misses"));
  s.t0 = 0;
  s.step_interval = 0;
  ck_assert_int_eq(hl_motion_create(&c.m, t, &s, &mo, &e), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(e.message, "step_interval"));
  ck_assert_int_eq(hl_motion_create(NULL, t, &s, &mo, &e), HL_ERR_INVALID_ARG);
  hl_table_free(t);
  hl_motion_free(NULL);
}
END_TEST

int main(void) {
  Suite *s = suite_create("invdyn");
  TCase *tc = tcase_create("frame");
  tcase_add_test(tc, test_pendulum);
  tcase_add_test(tc, test_two_link_tip_force);
  tcase_add_test(tc, test_add_point_force);
  tcase_add_test(tc, test_bad_arguments);
  tcase_add_test(tc, test_ext_wrenches);
  suite_add_tcase(s, tc);
  TCase *tm = tcase_create("motion");
  tcase_add_test(tm, test_motion_cubic);
  tcase_add_test(tm, test_motion_degrees_and_range);
  tcase_add_test(tm, test_motion_filter_padding);
  tcase_add_test(tm, test_motion_errors);
  suite_add_tcase(s, tm);
  return tu_run(s);
}
