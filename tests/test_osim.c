/* SPDX-License-Identifier: Apache-2.0 */
/* .osim loading: hand-built fixtures (frames, joint conversion, ordering, defaults), every
 * model under the shared data (counts checked with grep on the files, masses from the data
 * README), force-set files, and each parser error path (status, file and line in the message). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/model.h"
#include "testutil.h"

#define PI 3.14159265358979323846

/* ------------------------------------------------------------------ fixtures */

/* A 4.0 model written child-before-parent: the JointSet lists knee (femur->tibia) before hip
 * (pelvis->femur) before ground_pelvis, and the BodySet lists tibia first. %s slots: the hip
 * joint element type, a path point body, the spline's y values, the pelvis mass. */
static const char *FIXTURE_FMT_A =
    "<?xml version=\"1.0\"?>\n"
    "<OpenSimDocument Version=\"40000\">\n"
    "<Model name=\"fixture\">\n"
    "<defaults>\n"
    "  <Thelen2003Muscle name=\"default\"><min_control>0.02</min_control><Af>0.3</Af></Thelen2003Muscle>\n"
    "</defaults>\n"
    "<gravity>0 -9.81 0</gravity>\n"
    "<BodySet name=\"bodyset\"><objects>\n"
    "  <Body name=\"tibia\"><mass>3</mass><mass_center>0 -0.2 0</mass_center><inertia>0.04 0.005 0.04 0 0 0</inertia></Body>\n"
    "  <Body name=\"femur\"><mass>8</mass><mass_center>0 -0.17 0</mass_center><inertia>0.1 0.03 0.1 0.001 0.002 0.003</inertia></Body>\n"
    "  <Body name=\"pelvis\"><mass>%s</mass><mass_center>-0.07 0 0</mass_center><inertia>0.1 0.09 0.06 0 0 0</inertia></Body>\n"
    "</objects></BodySet>\n"
    "<JointSet name=\"jointset\"><objects>\n"
    "  <PinJoint name=\"knee\">\n"
    "    <socket_parent_frame>femur_offset</socket_parent_frame>\n"
    "    <socket_child_frame>/bodyset/tibia</socket_child_frame>\n"
    "    <coordinates><Coordinate name=\"knee_angle\"><default_value>0.1</default_value><range>-2 0.2</range><clamped>true</clamped></Coordinate></coordinates>\n"
    "    <frames>\n"
    "      <PhysicalOffsetFrame name=\"femur_offset\"><socket_parent>femur_base</socket_parent>\n"
    "        <translation>0 -0.1 0</translation><orientation>0 0 1.5707963267948966</orientation></PhysicalOffsetFrame>\n"
    "      <PhysicalOffsetFrame name=\"femur_base\"><socket_parent>/bodyset/femur</socket_parent>\n"
    "        <translation>0 -0.3 0</translation><orientation>1.5707963267948966 0 0</orientation></PhysicalOffsetFrame>\n"
    "    </frames>\n"
    "  </PinJoint>\n"
    "  <%s name=\"hip\">\n"
    "    <socket_parent_frame>/bodyset/pelvis</socket_parent_frame>\n"
    "    <socket_child_frame>/bodyset/femur</socket_child_frame>\n"
    "    <coordinates><Coordinate name=\"hip_flexion\"><locked>true</locked></Coordinate></coordinates>\n"
    "    <SpatialTransform>\n"
    "      <TransformAxis name=\"rotation1\"><coordinates>hip_flexion</coordinates><axis>0 0 2</axis>\n"
    "        <LinearFunction name=\"function\"><coefficients>1 0</coefficients></LinearFunction></TransformAxis>\n"
    "      <TransformAxis name=\"translation1\"><coordinates>hip_flexion</coordinates><axis>1 0 0</axis>\n"
    "        <MultiplierFunction name=\"function\"><function><SimmSpline><x>0 1 2 3</x><y>%s</y></SimmSpline></function>\n"
    "        <scale>2</scale></MultiplierFunction></TransformAxis>\n"
    "      <TransformAxis name=\"translation2\"><coordinates></coordinates><axis>0 1 0</axis>\n"
    "        <Constant name=\"function\"><value>0.05</value></Constant></TransformAxis>\n"
    "    </SpatialTransform>\n"
    "  </%s>\n"
    "  <FreeJoint name=\"ground_pelvis\">\n"
    "    <socket_parent_frame>/ground</socket_parent_frame><socket_child_frame>/bodyset/pelvis</socket_child_frame>\n"
    "    <coordinates><Coordinate name=\"rx\"/><Coordinate name=\"ry\"/><Coordinate name=\"rz\"/>\n"
    "      <Coordinate name=\"tx\"/><Coordinate name=\"ty\"/><Coordinate name=\"tz\"/></coordinates>\n"
    "  </FreeJoint>\n"
    "</objects></JointSet>\n";
static const char *FIXTURE_FMT_B =
    "<ForceSet name=\"forceset\"><objects>\n"
    "  <Thelen2003Muscle name=\"vas\">\n"
    "    <GeometryPath name=\"path\"><PathPointSet><objects>\n"
    "      <PathPoint name=\"p1\"><socket_parent_frame>/bodyset/%s</socket_parent_frame><location>0.01 -0.2 0.02</location></PathPoint>\n"
    "      <ConditionalPathPoint name=\"p2\"><socket_parent_frame>/bodyset/femur</socket_parent_frame><location>0.03 -0.4 0</location>\n"
    "        <socket_coordinate>/jointset/knee/knee_angle</socket_coordinate><range>-2 -1</range></ConditionalPathPoint>\n"
    "      <MovingPathPoint name=\"p3\"><socket_parent_frame>/bodyset/tibia</socket_parent_frame>\n"
    "        <socket_x_coordinate>/jointset/knee/knee_angle</socket_x_coordinate>\n"
    "        <x_location><LinearFunction><coefficients>0.01 0.05</coefficients></LinearFunction></x_location>\n"
    "        <z_location><Constant><value>0.004</value></Constant></z_location></MovingPathPoint>\n"
    "    </objects></PathPointSet></GeometryPath>\n"
    "    <max_isometric_force>1200</max_isometric_force><optimal_fiber_length>0.09</optimal_fiber_length>\n"
    "    <tendon_slack_length>0.2</tendon_slack_length><pennation_angle_at_optimal>0.05</pennation_angle_at_optimal>\n"
    "  </Thelen2003Muscle>\n"
    "  <Millard2012EquilibriumMuscle name=\"off\"><appliesForce>false</appliesForce></Millard2012EquilibriumMuscle>\n"
    "  <Ligament name=\"acl\"/>\n"
    "  <CoordinateActuator name=\"knee_reserve\"><coordinate>knee_angle</coordinate><optimal_force>10</optimal_force></CoordinateActuator>\n"
    "  <CoordinateLimitForce name=\"knee_limit\"><coordinate>knee_angle</coordinate><upper_stiffness>2</upper_stiffness>\n"
    "    <upper_limit>10</upper_limit><lower_stiffness>3</lower_stiffness><lower_limit>-120</lower_limit><damping>0.5</damping><transition>4</transition></CoordinateLimitForce>\n"
    "</objects></ForceSet>\n"
    "</Model>\n"
    "</OpenSimDocument>\n";

static char fixture_buf[16384];

#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
static const char *fixture(const char *hip_type, const char *pt_body, const char *spline_y,
                           const char *pelvis_mass) {
  char fmt[16384];
  snprintf(fmt, sizeof fmt, "%s%s", FIXTURE_FMT_A, FIXTURE_FMT_B);
  snprintf(fixture_buf, sizeof fixture_buf, fmt, pelvis_mass, hip_type, spline_y, hip_type,
           pt_body);
  return fixture_buf;
}

static hl_model *load_fixture(const char *xml) {
  hl_model *m = NULL;
  hl_error e;
  hl_error_clear(&e);
  hl_status s = hl_model_load_memory(xml, strlen(xml), "fixture.osim", &m, &e);
  ck_assert_msg(s == HL_OK, "fixture failed: %s", e.message);
  return m;
}

#define NEAR(a, b, tol) ck_assert_msg(fabs((a) - (b)) <= (tol), "%s = %.12g, expected %.12g", #a, (double)(a), (double)(b))

START_TEST(test_fixture_structure) {
  hl_model *m = load_fixture(fixture("CustomJoint", "femur", "0 1 8 27", "11"));
  ck_assert_int_eq(m->format_version, 40000);
  ck_assert_str_eq(m->name, "fixture");
  NEAR(m->gravity[1], -9.81, 0);
  ck_assert_int_eq(m->nbody, 4);
  ck_assert_int_eq(m->njoint, 3);
  ck_assert_int_eq(m->ncoord, 8);
  /* parent before child, whatever the file order */
  ck_assert_str_eq(m->body_name[0], "ground");
  ck_assert_str_eq(m->body_name[1], "pelvis");
  ck_assert_str_eq(m->body_name[2], "femur");
  ck_assert_str_eq(m->body_name[3], "tibia");
  for (int b = 1; b < m->nbody; b++) {
    ck_assert_int_lt(m->body_parent[b], b);
    ck_assert_int_eq(m->jnt_child[m->body_joint[b]], b);
    ck_assert_int_eq(m->jnt_parent[m->body_joint[b]], m->body_parent[b]);
  }
  ck_assert_int_eq(m->body_parent[0], -1);
  ck_assert_int_eq(hl_model_joint(m, "knee"), m->body_joint[3]);
  ck_assert_int_eq(hl_model_coord(m, "rx"), 0); /* coordinates in joint order */
  ck_assert_int_eq(hl_model_coord(m, "hip_flexion"), 6);
  ck_assert_int_eq(hl_model_coord(m, "knee_angle"), 7);
  ck_assert_int_eq(hl_model_coord(m, "nope"), -1);
  NEAR(hl_model_mass(m), 22.0, 1e-12);
  int f = hl_model_body(m, "femur");
  const double *I = m->body_inertia + 9 * f;
  NEAR(I[1], 0.001, 0); NEAR(I[3], 0.001, 0); NEAR(I[2], 0.002, 0); NEAR(I[7], 0.003, 0);
  NEAR(I[4], 0.03, 0);
  ck_assert(hl_model_in_subtree(m, 3, 1));
  ck_assert(hl_model_in_subtree(m, 2, 2));
  ck_assert(!hl_model_in_subtree(m, 1, 2));

  /* knee parent frame: femur_base (Rx(90°), at y = -0.3) carrying femur_offset (Rz(90°), y = -0.1
   * in femur_base). R = Rx(90)·Rz(90) = [[0,-1,0],[0,0,-1],[1,0,0]]; p = (0,-0.3,0) + Rx(90)·(0,-0.1,0)
   * = (0, -0.3, -0.1). */
  int kj = hl_model_joint(m, "knee");
  const double Rk[9] = {0, -1, 0, 0, 0, -1, 1, 0, 0};
  for (int i = 0; i < 9; i++) NEAR(m->jnt_parent_R[9 * kj + i], Rk[i], 1e-12);
  NEAR(m->jnt_parent_p[3 * kj + 0], 0.0, 1e-15);
  NEAR(m->jnt_parent_p[3 * kj + 1], -0.3, 1e-15);
  NEAR(m->jnt_parent_p[3 * kj + 2], -0.1, 1e-15);
  ck_assert_int_eq(m->jnt_type[kj], HL_JOINT_PIN);
  /* PinJoint: rotation about the joint frame's Z by its coordinate */
  NEAR(m->tax_axis[3 * (6 * kj) + 2], 1.0, 0);
  ck_assert_int_eq(m->tax_ncoord[6 * kj], 1);
  ck_assert_int_eq(m->tax_coord[6 * kj * HL_TAX_MAXCOORD], 7);
  ck_assert_int_eq(m->tax_func[6 * kj], -1);
  for (int k = 1; k < 6; k++) ck_assert_int_eq(m->tax_ncoord[6 * kj + k], 0);
  int q = hl_model_coord(m, "knee_angle");
  NEAR(m->coord_default[q], 0.1, 0);
  NEAR(m->coord_range[2 * q], -2, 0);
  ck_assert_int_eq(m->coord_clamped[q], 1);
  ck_assert_int_eq(m->coord_rotational[q], 1);
  ck_assert_int_eq(m->coord_locked[hl_model_coord(m, "hip_flexion")], 1);
  NEAR(m->coord_range[2 * hl_model_coord(m, "rx") + 1], 10.0, 0); /* OpenSim default range ±10 */

  /* FreeJoint: X, Y, Z rotations then X, Y, Z translations */
  int fj = hl_model_joint(m, "ground_pelvis");
  for (int k = 0; k < 6; k++) {
    ck_assert_int_eq(m->tax_coord[(6 * fj + k) * HL_TAX_MAXCOORD], k);
    NEAR(m->tax_axis[3 * (6 * fj + k) + k % 3], 1.0, 0);
  }
  ck_assert_int_eq(m->coord_rotational[3], 0);
  ck_assert_int_eq(m->coord_rotational[2], 1);

  /* CustomJoint: axis normalized, identity LinearFunction stored as -1, constant kept */
  int hj = hl_model_joint(m, "hip");
  NEAR(m->tax_axis[3 * (6 * hj) + 2], 1.0, 0);
  ck_assert_int_eq(m->tax_func[6 * hj], -1);
  ck_assert_int_eq(m->tax_ncoord[6 * hj + 4], 0);
  double y, dy, ddy;
  hl_model_function_eval(m, m->tax_func[6 * hj + 4], 0.0, &y, NULL, NULL);
  NEAR(y, 0.05, 0);
  /* translation1 = 2·spline through x³ at x = 0..3 → 2·1.5³ at 1.5 */
  hl_model_function_eval(m, m->tax_func[6 * hj + 3], 1.5, &y, &dy, &ddy);
  NEAR(y, 2 * 3.375, 1e-12);
  NEAR(dy, 2 * 6.75, 1e-12);
  NEAR(ddy, 2 * 9.0, 1e-12);
  hl_model_free(m);
}
END_TEST

START_TEST(test_fixture_forces) {
  hl_model *m = load_fixture(fixture("CustomJoint", "femur", "0 1 8 27", "11"));
  ck_assert_int_eq(m->nmuscle, 1);
  ck_assert_int_eq(m->nforce_skipped, 2); /* disabled Millard muscle + Ligament */
  int i = hl_model_muscle(m, "vas");
  ck_assert_int_eq(m->mus_type[i], HL_MUSCLE_THELEN2003);
  NEAR(m->mus_f0[i], 1200, 0);
  NEAR(m->mus_alpha0[i], 0.05, 0);
  NEAR(m->mus_vmax[i], 10, 0);            /* Muscle default */
  NEAR(m->mus_min_control[i], 0.02, 0);   /* from <defaults> */
  NEAR(m->mus_max_control[i], 1.0, 0);
  const double *k = m->mus_curve + HL_MUS_NCURVE * i;
  NEAR(k[2], 0.3, 0);   /* Af from <defaults> */
  NEAR(k[0], 0.45, 0);  /* KshapeActive: Thelen2003Muscle default */
  NEAR(k[4], 0.04, 0);  /* FmaxTendonStrain default */
  ck_assert_int_eq(m->mus_path_num[i], 3);
  int a = m->mus_path_adr[i];
  ck_assert_int_eq(m->pt_type[a], 0);
  ck_assert_int_eq(m->pt_body[a], hl_model_body(m, "femur"));
  NEAR(m->pt_pos[3 * a + 1], -0.2, 0);
  ck_assert_int_eq(m->pt_type[a + 1], 1);
  ck_assert_int_eq(m->pt_cond_coord[a + 1], hl_model_coord(m, "knee_angle"));
  NEAR(m->pt_cond_range[2 * (a + 1) + 1], -1, 0);
  ck_assert_int_eq(m->pt_type[a + 2], 2);
  ck_assert_int_eq(m->pt_move_coord[3 * (a + 2)], hl_model_coord(m, "knee_angle"));
  ck_assert_int_eq(m->pt_move_coord[3 * (a + 2) + 1], -1);
  ck_assert_int_eq(m->pt_move_coord[3 * (a + 2) + 2], -1);
  NEAR(m->pt_pos[3 * (a + 2) + 2], 0.004, 0); /* z: a Constant without coordinate */
  double y;
  hl_model_function_eval(m, m->pt_move_func[3 * (a + 2)], 2.0, &y, NULL, NULL);
  NEAR(y, 0.07, 1e-15);
  ck_assert_int_eq(m->mus_has_wrap[i], 0);

  ck_assert_int_eq(m->nactuator, 1);
  ck_assert_int_eq(m->act_type[0], HL_ACT_COORDINATE);
  NEAR(m->act_optimal_force[0], 10, 0);
  ck_assert(isinf(m->act_min_control[0]) && m->act_min_control[0] < 0);
  ck_assert_int_eq(m->act_coord[0], hl_model_coord(m, "knee_angle"));
  ck_assert_int_eq(hl_model_actuator(m, "knee_reserve"), 0);

  /* CoordinateLimitForce on a rotational coordinate: degrees → radians */
  ck_assert_int_eq(m->nlimit, 1);
  const double *p = m->lim_param;
  NEAR(p[0], 2 * 180 / PI, 1e-9);
  NEAR(p[1], 10 * PI / 180, 1e-15);
  NEAR(p[2], 3 * 180 / PI, 1e-9);
  NEAR(p[3], -120 * PI / 180, 1e-15);
  NEAR(p[4], 0.5 * 180 / PI, 1e-9);
  NEAR(p[5], 4 * PI / 180, 1e-15);
  hl_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ bad input */

static void expect_error(const char *xml, hl_status want, const char *needle, int want_line) {
  hl_model *m = (hl_model *)1;
  hl_error e;
  hl_error_clear(&e);
  hl_status s = hl_model_load_memory(xml, strlen(xml), "fixture.osim", &m, &e);
  ck_assert_msg(s == want, "status %d (%s), expected %d", s, e.message, want);
  ck_assert_ptr_null(m);
  ck_assert_int_eq(e.status, want);
  ck_assert_str_eq(e.file, "fixture.osim");
  ck_assert_msg(strstr(e.message, needle) != NULL, "message '%s' lacks '%s'", e.message, needle);
  if (want_line) {
    char pre[64];
    snprintf(pre, sizeof pre, "fixture.osim:%d:", want_line);
    ck_assert_int_eq(e.line, want_line);
    ck_assert_msg(strncmp(e.message, pre, strlen(pre)) == 0, "message '%s' lacks '%s'", e.message, pre);
  }
}

/* 1-based line of the first occurrence of s in the fixture text */
static int line_of_text(const char *xml, const char *s) {
  const char *p = strstr(xml, s);
  ck_assert_ptr_nonnull(p);
  int line = 1;
  for (const char *c = xml; c < p; c++) line += *c == '\n';
  return line;
}

START_TEST(test_error_unknown_joint) {
  const char *xml = fixture("GimbalJoint", "femur", "0 1 8 27", "11");
  expect_error(xml, HL_ERR_UNSUPPORTED, "<GimbalJoint name=\"hip\">: joint type not supported",
               line_of_text(xml, "<GimbalJoint"));
}
END_TEST

START_TEST(test_error_missing_body) {
  const char *xml = fixture("CustomJoint", "humerus", "0 1 8 27", "11");
  expect_error(xml, HL_ERR_NOT_FOUND, "<PathPoint name=\"p1\">: socket: frame '/bodyset/humerus'",
               line_of_text(xml, "<PathPoint name=\"p1\""));
}
END_TEST

START_TEST(test_error_spline_lengths) {
  const char *xml = fixture("CustomJoint", "femur", "0 1 8", "11");
  expect_error(xml, HL_ERR_PARSE, "<SimmSpline name=\"\">: knots: x has 4 values but y has 3",
               line_of_text(xml, "<SimmSpline>"));
}
END_TEST

START_TEST(test_error_mass_not_numeric) {
  const char *xml = fixture("CustomJoint", "femur", "0 1 8 27", "eleven");
  expect_error(xml, HL_ERR_PARSE, "<Body name=\"pelvis\">: mass: 'eleven' is not a number",
               line_of_text(xml, "<Body name=\"pelvis\""));
}
END_TEST

/* xml with every `from` replaced by `to` (malloc'd). */
static char *replaced(const char *xml, const char *from, const char *to) {
  size_t nf = strlen(from), nt = strlen(to), n = 0;
  for (const char *p = xml; (p = strstr(p, from)) != NULL; p += nf) n++;
  char *out = malloc(strlen(xml) + n * nt + 1), *o = out;
  for (const char *p = xml, *q; ; p = q + nf) {
    q = strstr(p, from);
    size_t k = q ? (size_t)(q - p) : strlen(p);
    memcpy(o, p, k);
    o += k;
    if (!q) break;
    memcpy(o, to, nt);
    o += nt;
  }
  *o = '\0';
  return out;
}

/* A name of `len` bytes: `stem` padded with 'q'. */
static const char *long_name(char *buf, const char *stem, int len) {
  snprintf(buf, 300, "%s", stem);
  for (int i = (int)strlen(buf); i < len; i++) buf[i] = 'q';
  buf[len] = '\0';
  return buf;
}

/* Names are kept in HL_NAME_MAX bytes (63 and the NUL): a longer one is refused with the file,
 * the element's line and the whole name, never cut; 63 bytes load. Each element kind that keeps
 * its name in the fixture: muscle, actuator, limit force, coordinate, joint, body (wrap objects go
 * through the same attr_name). */
START_TEST(test_error_long_names) {
  const char *base = fixture("CustomJoint", "femur", "0 1 8 27", "11");
  static const struct {
    const char *attr, *element;
  } kinds[] = {{"name=\"vas\"", "<Thelen2003Muscle name=\""},
               {"name=\"knee_reserve\"", "<CoordinateActuator name=\""},
               {"name=\"knee_limit\"", "<CoordinateLimitForce name=\""},
               {"name=\"rx\"", "<Coordinate name=\""},
               {"name=\"hip\"", "<CustomJoint name=\""},
               {"name=\"pelvis\"", "<Body name=\""}};
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    char nm[300], attr[320], want[400];
    long_name(nm, "n", HL_NAME_MAX);
    snprintf(attr, sizeof attr, "name=\"%s\"", nm);
    char *xml = replaced(base, kinds[k].attr, attr);
    if (strstr(kinds[k].attr, "pelvis")) { /* the body's references too */
      char *x2 = replaced(xml, "/bodyset/pelvis", nm);
      free(xml);
      xml = x2;
    }
    snprintf(want, sizeof want, "%s%s\">: the name has %d bytes; hipload keeps names of at most %d", kinds[k].element,
             nm, HL_NAME_MAX, HL_NAME_MAX - 1);
    expect_error(xml, HL_ERR_UNSUPPORTED, want, line_of_text(xml, nm));
    free(xml);
  }
  /* 63 bytes: kept whole */
  char nm[300], attr[320];
  long_name(nm, "vastus", HL_NAME_MAX - 1);
  snprintf(attr, sizeof attr, "name=\"%s\"", nm);
  char *xml = replaced(base, "name=\"vas\"", attr);
  hl_model *m = load_fixture(xml);
  ck_assert_int_ge(hl_model_muscle(m, nm), 0);
  ck_assert_str_eq(m->mus_name[hl_model_muscle(m, nm)], nm);
  hl_model_free(m);
  free(xml);
}
END_TEST

/* Names only compared, never kept (a PhysicalOffsetFrame), may be long; the model's own name
 * (128 bytes) is refused like the others. A reserve whose name "<coordinate>_reserve" would not
 * fit is refused naming the coordinate. */
START_TEST(test_long_frame_model_and_reserve_names) {
  const char *base = fixture("CustomJoint", "femur", "0 1 8 27", "11");
  char nm[300];
  long_name(nm, "femur_offset", 200);
  char *xml = replaced(base, "femur_offset", nm);
  hl_model *m = load_fixture(xml);
  hl_model_free(m);
  free(xml);

  char attr[320], want[400];
  long_name(nm, "model", 128);
  snprintf(attr, sizeof attr, "<Model name=\"%s\"", nm);
  xml = replaced(base, "<Model name=\"fixture\"", attr);
  snprintf(want, sizeof want, "<Model name=\"%s\">: the name has 128 bytes; hipload keeps model names of at most 127", nm);
  expect_error(xml, HL_ERR_UNSUPPORTED, want, line_of_text(xml, "<Model"));
  free(xml);
  long_name(nm, "model", 127);
  snprintf(attr, sizeof attr, "<Model name=\"%s\"", nm);
  xml = replaced(base, "<Model name=\"fixture\"", attr);
  m = load_fixture(xml);
  ck_assert_str_eq(m->name, nm);
  hl_model_free(m);
  free(xml);

  /* a note about an element hipload does not read (a Ligament) never refuses the model: a long
   * name is shortened visibly in the note */
  long_name(nm, "acl", 70);
  snprintf(attr, sizeof attr, "<Ligament name=\"%s\"", nm);
  xml = replaced(base, "<Ligament name=\"acl\"", attr);
  m = load_fixture(xml);
  int found = 0;
  for (int i = 0; i < m->nnote; i++)
    if (!strcmp(m->note[i].element, "Ligament")) {
      found = 1;
      ck_assert_uint_eq(strlen(m->note[i].name), HL_NAME_MAX - 1);
      ck_assert(!strncmp(m->note[i].name, "aclqqq", 6));
      ck_assert_str_eq(m->note[i].name + HL_NAME_MAX - 4, "...");
    }
  ck_assert(found);
  hl_model_free(m);
  free(xml);

  long_name(nm, "rx", HL_NAME_MAX - 1 - 7); /* + "_reserve" = 64 bytes */
  snprintf(attr, sizeof attr, "name=\"%s\"", nm);
  xml = replaced(base, "name=\"rx\"", attr);
  m = load_fixture(xml);
  hl_error e;
  hl_error_clear(&e);
  ck_assert_int_eq(hl_model_add_reserves(m, 1.0, &e), HL_ERR_UNSUPPORTED);
  snprintf(want, sizeof want, "reserve actuator for coordinate '%s'", nm);
  ck_assert_msg(strstr(e.message, want) != NULL, "%s", e.message);
  hl_model_free(m);
  free(xml);
}
END_TEST

START_TEST(test_error_not_xml_and_missing_file) {
  expect_error("<OpenSimDocument><Model>\n<BodySet>\n</Model>", HL_ERR_PARSE, "not well-formed XML", 3);
  expect_error("<OpenSimDocument Version=\"40000\"><ForceSet/></OpenSimDocument>", HL_ERR_PARSE,
               "expected an OpenSim <Model>", 1);
  char dir[512], path[600];
  tu_tmpdir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/nope.osim", dir);
  hl_model *m = (hl_model *)1;
  hl_error e;
  ck_assert_int_eq(hl_model_load(path, &m, &e), HL_ERR_IO);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(e.file, path);
  ck_assert_msg(strstr(e.message, "cannot open") != NULL, "%s", e.message);
  /* a file that is not XML at all */
  snprintf(path, sizeof path, "%s/bad.osim", dir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("time\tq1\n0\t1\n", f);
  fclose(f);
  ck_assert_int_eq(hl_model_load(path, &m, &e), HL_ERR_PARSE);
  ck_assert_ptr_null(m);
  ck_assert_int_eq(e.line, 1);
  ck_assert_msg(strstr(e.message, "not well-formed XML") != NULL, "%s", e.message);
  ck_assert_int_eq(hl_model_load(NULL, &m, &e), HL_ERR_INVALID_ARG);
  hl_model_free(NULL);
}
END_TEST

/* ------------------------------------------------------------------ real models */

typedef struct expect {
  const char *rel;
  int version, nbody, njoint, ncoord, nmuscle, nactuator, nlimit, nwrap, nconstraint;
  double mass, mass_tol;
} expect;

/* Counts from the files (grep -c on Body/Joint/Coordinate/muscle/actuator tags, minus the
 * <defaults> entries); masses as stated in the data README (exact body sums for the models it
 * does not state, summed by hand from the <mass> elements). */
static const expect MODELS[] = {
    {"walk-jr/subject01_simbody_adjusted_StaticOp.osim", 40000, 13, 12, 23, 92, 0, 0, 0, 0, 72.6, 1e-6},
    {"walk-id/subject01.osim", 20302, 13, 12, 23, 54, 0, 0, 0, 0, 72.6, 1e-6},
    {"walk-so-spring/subject01_adjusted_spring.osim", 30000, 13, 12, 10, 18, 10, 1, 0, 0, 72.6, 1e-6},
    {"walk-gait2392-pipeline/subject01_simbody.osim", 40000, 13, 12, 23, 92, 0, 0, 0, 0, 72.6, 1e-6},
    {"walk-gait2392-pipeline/subject01_simbody_adjusted.osim", 40000, 13, 12, 23, 92, 0, 0, 0, 0, 72.6, 1e-6},
    {"run-hamner2010/subject02_running_RRA_cycle02_sim02_07_v232.osim", 20302, 21, 20, 37, 92, 0, 0, 0, 0, 66.6, 0.01},
    {"run-hamner2010/reference/subject02_RRA_Adjusted.osim", 40000, 21, 20, 37, 92, 0, 0, 0, 0, 65.9, 1e-6},
    {"run-4ms/runningModel_CMC_test.osim", 20302, 21, 20, 37, 92, 0, 0, 0, 0, 72.84, 1e-6},
    {"walk-rajagopal-so/Rajagopal_scaled_Sub1_gasAvoid.osim", 40000, 15, 14, 25, 80, 3, 0, 40, 2, 86.0, 0.05},
    {"models/gait2392_thelen2003muscle.osim", 40000, 13, 12, 23, 92, 0, 0, 0, 0, 75.1646, 1e-4},
    {"models/gait2392_millard2012muscle.osim", 40000, 13, 12, 23, 92, 0, 0, 0, 0, 75.1646, 1e-4},
    {"models/gait10dof18musc.osim", 40000, 13, 12, 10, 18, 0, 0, 0, 0, 75.1646, 1e-4},
    {"models/FullBodyModel_Hamner2010_v2_0.osim", 40000, 21, 20, 37, 92, 0, 0, 0, 0, 75.1646, 1e-4},
    {"models/Rajagopal2016.osim", 40000, 23, 22, 39, 80, 17, 0, 40, 2, 75.337, 1e-3},
    {"models/RajagopalLaiUhlrich2023.osim", 40000, 23, 22, 39, 80, 17, 0, 44, 2, 75.337, 1e-3},
    {"models/LaiUhlrich2022.osim", 40000, 23, 22, 35, 80, 13, 0, 44, 2, 75.337, 1e-3},
};

static hl_model *load_data(const char *rel) {
  char path[1024];
  tu_data(path, sizeof path, rel);
  hl_model *m = NULL;
  hl_error e;
  hl_error_clear(&e);
  hl_status s = hl_model_load(path, &m, &e);
  ck_assert_msg(s == HL_OK, "%s: %s", rel, e.message);
  return m;
}

START_TEST(test_data_models_load) {
  if (!tu_require_data()) return;
  const expect *x = &MODELS[_i];
  hl_model *m = load_data(x->rel);
  ck_assert_int_eq(m->format_version, x->version);
  ck_assert_int_eq(m->nbody, x->nbody);
  ck_assert_int_eq(m->njoint, x->njoint);
  ck_assert_int_eq(m->ncoord, x->ncoord);
  ck_assert_int_eq(m->nmuscle, x->nmuscle);
  ck_assert_int_eq(m->nactuator, x->nactuator);
  ck_assert_int_eq(m->nlimit, x->nlimit);
  ck_assert_int_eq(m->nwrap, x->nwrap);
  ck_assert_int_eq(m->nconstraint, x->nconstraint);
  ck_assert_int_eq(m->nforce_skipped, 0);
  ck_assert_msg(fabs(hl_model_mass(m) - x->mass) <= x->mass_tol, "%s: mass %.6f, expected %.6f",
                x->rel, hl_model_mass(m), x->mass);
  for (int b = 1; b < m->nbody; b++) ck_assert_int_lt(m->body_parent[b], b);
  for (int i = 0; i < m->nmuscle; i++) {
    ck_assert_int_ge(m->mus_path_num[i], 2);
    ck_assert(m->mus_f0[i] > 0 && m->mus_lopt[i] > 0);
  }
  for (int k = 0; k < m->npathpt; k++) ck_assert(m->pt_body[k] > 0 && m->pt_body[k] < m->nbody);
  hl_model_free(m);
}
END_TEST

/* Figures read off walk-jr's 4.0 file by eye. */
START_TEST(test_walk_jr_values) {
  if (!tu_require_data()) return;
  hl_model *m = load_data("walk-jr/subject01_simbody_adjusted_StaticOp.osim");
  NEAR(m->body_mass[hl_model_body(m, "pelvis")], 11.375171290000001, 0);
  NEAR(m->gravity[1], -9.80665, 1e-12);
  int hip = hl_model_joint(m, "hip_r");
  NEAR(m->jnt_parent_p[3 * hip + 0], -0.072437600000000005, 0);
  NEAR(m->jnt_parent_p[3 * hip + 1], -0.067724500000000007, 0);
  NEAR(m->jnt_parent_p[3 * hip + 2], 0.085552199999999995, 0);
  ck_assert_int_eq(m->jnt_parent[hip], hl_model_body(m, "pelvis"));
  ck_assert_int_eq(m->jnt_child[hip], hl_model_body(m, "femur_r"));
  int knee = hl_model_coord(m, "knee_angle_r");
  ck_assert_int_eq(m->coord_rotational[knee], 1);
  ck_assert_int_eq(m->coord_rotational[hl_model_coord(m, "pelvis_tx")], 0);
  ck_assert_int_eq(m->coord_rotational[hl_model_coord(m, "pelvis_tilt")], 1);
  int g = hl_model_muscle(m, "glut_med1_r");
  NEAR(m->mus_min_control[g], 0.01, 0);
  NEAR(m->mus_max_control[g], 1, 0);
  hl_model_free(m);
}
END_TEST

START_TEST(test_millard_and_limit_values) {
  if (!tu_require_data()) return;
  hl_model *m = load_data("walk-so-spring/subject01_adjusted_spring.osim");
  int h = hl_model_muscle(m, "hamstrings_r");
  ck_assert_int_eq(m->mus_type[h], HL_MUSCLE_MILLARD2012);
  NEAR(m->mus_f0[h], 2700, 0);
  NEAR(m->mus_min_control[h], 0.0001, 0);
  const double *k = m->mus_curve + HL_MUS_NCURVE * h;
  NEAR(k[4], 0.0, 0);          /* minimum_value set to 0 in the file */
  NEAR(k[0], 0.47 - 0.0259, 1e-15); /* absent: ActiveForceLengthCurve default */
  NEAR(k[6], 0.25, 0);         /* concentric_slope_near_vmax */
  NEAR(k[10], 1.4, 0);         /* max_eccentric_velocity_force_multiplier */
  NEAR(k[11], 0.6, 0);         /* concentric_curviness default */
  NEAR(k[13], 0.1, 0);         /* fiber_damping default */
  /* AnkleLimitSpringDamper: 30 N·m/deg above 5 deg, damping 0.01 N·m·s/deg, transition 2 deg */
  ck_assert_int_eq(m->nlimit, 1);
  ck_assert_int_eq(m->lim_coord[0], hl_model_coord(m, "ankle_angle_r"));
  NEAR(m->lim_param[0], 30 * 180 / PI, 1e-9);
  NEAR(m->lim_param[1], 5 * PI / 180, 1e-15);
  NEAR(m->lim_param[4], 0.01 * 180 / PI, 1e-12);
  NEAR(m->lim_param[5], 2 * PI / 180, 1e-15);
  hl_model_free(m);
}
END_TEST

START_TEST(test_force_set_files) {
  if (!tu_require_data()) return;
  char path[1024];
  hl_error e;
  hl_model *m = load_data("walk-jr/subject01_simbody_adjusted_StaticOp.osim");
  tu_data(path, sizeof path, "walk-jr/gait2392_SO_weak_Residual_Actuators.xml");
  ck_assert_int_eq(hl_model_add_force_set(m, path, 0, &e), HL_OK);
  ck_assert_int_eq(m->nmuscle, 92);
  ck_assert_int_eq(m->nactuator, 6); /* FX FY FZ MX MY MZ */
  int fx = hl_model_actuator(m, "FX");
  ck_assert_int_eq(m->act_type[fx], HL_ACT_POINT);
  ck_assert_int_eq(m->act_body[fx], hl_model_body(m, "pelvis"));
  hl_model_free(m);

  /* legacy <ActuatorSet> (GeneralizedForce/Force/Torque), as OpenSim 4.6 read for the reference */
  m = load_data("run-hamner2010/reference/subject02_RRA_Adjusted.osim");
  tu_data(path, sizeof path, "run-hamner2010/Actuators_CMC.xml");
  ck_assert_msg(hl_model_add_force_set(m, path, 0, &e) == HL_OK, "%s", e.message);
  ck_assert_int_eq(m->nactuator, 29); /* 23 GeneralizedForce + 3 Force + 3 Torque (defaults aside) */
  int r = hl_model_actuator(m, "hip_flexion_r_reserve");
  ck_assert_int_eq(m->act_type[r], HL_ACT_COORDINATE);
  ck_assert_int_eq(m->act_coord[r], hl_model_coord(m, "hip_flexion_r"));
  /* replace: OpenSim empties the whole ForceSet, muscles included */
  tu_data(path, sizeof path, "walk-so-spring/gait10dof_Actuators_weak.xml");
  hl_model_free(m);
  m = load_data("walk-so-spring/subject01_adjusted_spring.osim");
  ck_assert_int_eq(hl_model_add_force_set(m, path, 1, &e), HL_OK);
  ck_assert_int_eq(m->nmuscle, 0);
  ck_assert_int_eq(m->nlimit, 0);
  ck_assert_int_eq(m->nactuator, 10);
  /* a force-set file naming a body the model lacks: NOT_FOUND, model unchanged */
  ck_assert_int_eq(hl_model_add_force_set(m, "/nonexistent/x.xml", 0, &e), HL_ERR_IO);
  ck_assert_int_eq(m->nactuator, 10);
  hl_model_free(m);
}
END_TEST

int main(void) {
  Suite *s = suite_create("osim");
  TCase *tc = tcase_create("fixtures");
  tcase_add_test(tc, test_fixture_structure);
  tcase_add_test(tc, test_fixture_forces);
  tcase_add_test(tc, test_error_unknown_joint);
  tcase_add_test(tc, test_error_missing_body);
  tcase_add_test(tc, test_error_spline_lengths);
  tcase_add_test(tc, test_error_mass_not_numeric);
  tcase_add_test(tc, test_error_not_xml_and_missing_file);
  tcase_add_test(tc, test_error_long_names);
  tcase_add_test(tc, test_long_frame_model_and_reserve_names);
  suite_add_tcase(s, tc);
  TCase *td = tcase_create("data");
  tcase_set_timeout(td, 120);
  tcase_add_loop_test(td, test_data_models_load, 0, (int)(sizeof MODELS / sizeof MODELS[0]));
  tcase_add_test(td, test_walk_jr_values);
  tcase_add_test(td, test_millard_and_limit_values);
  tcase_add_test(td, test_force_set_files);
  suite_add_tcase(s, td);
  return tu_run(s);
}
