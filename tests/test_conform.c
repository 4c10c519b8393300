/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSim 4.6's rules for the model properties that decide a number (docs/model.md, "Rules that
 * decide a number"): one small model written for each rule, in the structure of the document
 * version the rule is about, and the bound, curve or refusal OpenSim's source defines for it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/kin.h"
#include "hipload/model.h"
#include "hipload/muscle.h"
#include "hipload/so.h"
#include "testutil.h"

#define PI 3.14159265358979323846

/* ------------------------------------------------------------------ model texts */

/* A one-joint model: ground -> seg by the pin joint "pin" (coordinate q, its extra properties
 * in coord_extra), the seg's mass element as given ("" for none), the <defaults> body and the
 * ForceSet body. Documents before 40000 nest the joint in the body (2.x/3.0 structure). */
static char *model_xml(int version, const char *defaults, const char *forces, const char *coord_extra,
                       const char *mass_elem) {
  static char buf[32768];
  const char *inertia = "<mass_center>0 -0.2 0</mass_center>";
  if (version < 40000)
    snprintf(buf, sizeof buf,
             "<?xml version=\"1.0\"?>\n<OpenSimDocument Version=\"%d\">\n<Model name=\"conform\">\n"
             "<defaults>%s</defaults>\n<BodySet><objects>\n"
             "<Body name=\"ground\"><mass>0</mass></Body>\n"
             "<Body name=\"seg\">%s%s<inertia_xx>0.1</inertia_xx><inertia_yy>0.01</inertia_yy>"
             "<inertia_zz>0.1</inertia_zz>\n<Joint><PinJoint name=\"pin\"><parent_body>ground</parent_body>"
             "<location_in_parent>0 0 0</location_in_parent><orientation_in_parent>0 0 0</orientation_in_parent>"
             "<location>0 0 0</location><orientation>0 0 0</orientation>\n"
             "<CoordinateSet><objects><Coordinate name=\"q\">%s</Coordinate></objects></CoordinateSet>"
             "</PinJoint></Joint></Body>\n</objects></BodySet>\n"
             "<ForceSet><objects>\n%s</objects></ForceSet>\n</Model>\n</OpenSimDocument>\n",
             version, defaults, mass_elem, inertia, coord_extra, forces);
  else
    snprintf(buf, sizeof buf,
             "<?xml version=\"1.0\"?>\n<OpenSimDocument Version=\"%d\">\n<Model name=\"conform\">\n"
             "<defaults>%s</defaults>\n<Ground name=\"ground\"/>\n<BodySet><objects>\n"
             "<Body name=\"seg\">%s%s<inertia>0.1 0.01 0.1 0 0 0</inertia></Body>\n</objects></BodySet>\n"
             "<JointSet><objects><PinJoint name=\"pin\"><socket_parent_frame>/ground</socket_parent_frame>"
             "<socket_child_frame>/bodyset/seg</socket_child_frame>\n"
             "<coordinates><Coordinate name=\"q\">%s</Coordinate></coordinates></PinJoint></objects></JointSet>\n"
             "<ForceSet><objects>\n%s</objects></ForceSet>\n</Model>\n</OpenSimDocument>\n",
             version, defaults, mass_elem, inertia, coord_extra, forces);
  return buf;
}

/* A muscle element of `type` named `name` with extra properties `props`, its path from ground
 * (x, 0, 0) to seg (x, -0.3, 0): length 0.3 m at q = 0, fibre at its optimal length (l_TS 0.2). */
static char *muscle_xml(char *out, size_t n, int version, const char *type, const char *name, double x,
                        const char *props) {
  char p1[160], p2[160];
  if (version < 40000) {
    snprintf(p1, sizeof p1, "<body>ground</body>");
    snprintf(p2, sizeof p2, "<body>seg</body>");
  } else {
    snprintf(p1, sizeof p1, "<socket_parent_frame>/ground</socket_parent_frame>");
    snprintf(p2, sizeof p2, "<socket_parent_frame>/bodyset/seg</socket_parent_frame>");
  }
  snprintf(out, n,
           "<%s name=\"%s\">%s<GeometryPath><PathPointSet><objects>"
           "<PathPoint name=\"a\">%s<location>%g 0 0</location></PathPoint>"
           "<PathPoint name=\"b\">%s<location>%g -0.3 0</location></PathPoint>"
           "</objects></PathPointSet></GeometryPath><max_isometric_force>1000</max_isometric_force>"
           "<optimal_fiber_length>0.1</optimal_fiber_length><tendon_slack_length>0.2</tendon_slack_length>"
           "</%s>\n",
           type, name, props, p1, x, p2, x, type);
  return out;
}

static hl_status load(const char *xml, hl_model **m, hl_error *e) {
  hl_error_clear(e);
  return hl_model_load_memory(xml, strlen(xml), "conform.osim", m, e);
}

static hl_model *load_ok(const char *xml) {
  hl_model *m = NULL;
  hl_error e;
  ck_assert_msg(load(xml, &m, &e) == HL_OK, "%s", e.message);
  return m;
}

/* The model is refused with status st and a message holding every one of the words. */
static void refused(const char *xml, hl_status st, const char *w1, const char *w2, const char *w3) {
  hl_model *m = NULL;
  hl_error e;
  hl_status got = load(xml, &m, &e);
  ck_assert_msg(got == st, "status %d, expected %d (%s)", got, st, e.message);
  ck_assert_ptr_null(m);
  const char *w[3] = {w1, w2, w3};
  for (int i = 0; i < 3; i++)
    ck_assert_msg(!w[i] || strstr(e.message, w[i]), "'%s' not in: %s", w[i], e.message);
}

/* One muscle of `type` with `props` in a model of `version` with `defaults`. */
static char *one_muscle(int version, const char *defaults, const char *type, const char *props) {
  char mus[2048];
  muscle_xml(mus, sizeof mus, version, type, "m1", 0.05, props);
  return model_xml(version, defaults, mus, "", "<mass>2</mass>");
}

static int count_code(const hl_model *m, const char *code) {
  int k = 0;
  for (int i = 0; i < m->nnote; i++) k += !strcmp(m->note[i].code, code);
  return k;
}

#define NEAR(a, b, tol) ck_assert_msg(fabs((a) - (b)) <= (tol), "%s = %.15g, expected %.15g", #a, (double)(a), (double)(b))

/* ------------------------------------------------------------------ control bounds */

/* Muscle::updateFromXMLNode, documents before 30513: min_control 0 is removed, so Thelen's
 * default 0.01 applies (an information note says so); max_control 1 likewise. */
START_TEST(test_thelen_20302_min_control_zero_becomes_001) {
  hl_model *m = load_ok(one_muscle(20302, "", "Thelen2003Muscle",
                                   "<min_control>0</min_control><max_control>1</max_control>"));
  NEAR(m->mus_min_control[0], 0.01, 0);
  NEAR(m->mus_max_control[0], 1.0, 0);
  ck_assert_int_eq(count_code(m, "min_control_upgraded"), 1);
  ck_assert_int_eq(m->note[0].kind, HL_NOTE_AS_OPENSIM);
  ck_assert_str_eq(m->note[0].name, "m1");
  ck_assert_int_eq(hl_model_check_supported(m, NULL), HL_OK);
  hl_model_free(m);
  /* 1e-15 is numerically 0 too (SimTK::isNumericallyEqual); 1e-3 is not, and is refused */
  m = load_ok(one_muscle(30000, "", "Thelen2003Muscle", "<min_control>1e-15</min_control>"));
  NEAR(m->mus_min_control[0], 0.01, 0);
  hl_model_free(m);
  refused(one_muscle(30000, "", "Thelen2003Muscle", "<min_control>0.001</min_control>"),
          HL_ERR_BAD_VALUE, "min_control", "Minimum control cannot be less than minimum activation", "m1");
}
END_TEST

/* From 30513 on a min_control of 0 is kept — and refused by Thelen2003Muscle. */
START_TEST(test_thelen_40000_min_control_zero_refused) {
  refused(one_muscle(40000, "", "Thelen2003Muscle", "<min_control>0</min_control>"), HL_ERR_BAD_VALUE,
          "conform.osim:", "Minimum control cannot be less than minimum activation", "Thelen2003Muscle name=\"m1\"");
}
END_TEST

/* A 20001 document whose Thelen muscles take min_control 1e-5 from <defaults>: kept (not 0), below
 * the minimum activation 0.01, refused; the message says where the value came from. */
START_TEST(test_thelen_defaults_min_control_refused) {
  refused(one_muscle(20001, "<Thelen2003Muscle name=\"default\"><min_control>1e-05</min_control></Thelen2003Muscle>",
                     "Thelen2003Muscle", ""),
          HL_ERR_BAD_VALUE, "from <defaults>", "Minimum control cannot be less than minimum activation", "1e-05");
}
END_TEST

/* The <defaults> object is read with the same version rule: a 0 there is dropped as well, and a
 * max_control of 1 in the muscle is dropped so the defaults' 0.8 applies. */
START_TEST(test_defaults_upgraded_too) {
  hl_model *m = load_ok(one_muscle(
      20302, "<Thelen2003Muscle name=\"default\"><min_control>0</min_control><max_control>0.8</max_control></Thelen2003Muscle>",
      "Thelen2003Muscle", "<max_control>1</max_control>"));
  NEAR(m->mus_min_control[0], 0.01, 0);
  NEAR(m->mus_max_control[0], 0.8, 0);
  hl_model_free(m);
  /* from 30513 on, the muscle's max_control 1 stays */
  m = load_ok(one_muscle(40000, "<Thelen2003Muscle name=\"default\"><max_control>0.8</max_control></Thelen2003Muscle>",
                         "Thelen2003Muscle", "<max_control>1</max_control>"));
  NEAR(m->mus_max_control[0], 1.0, 0);
  hl_model_free(m);
  m = load_ok(one_muscle(40000, "<Thelen2003Muscle name=\"default\"><min_control>0.3</min_control></Thelen2003Muscle>",
                         "Thelen2003Muscle", ""));
  NEAR(m->mus_min_control[0], 0.3, 0);
  hl_model_free(m);
}
END_TEST

/* Thelen2003Muscle: minimum_activation below 0.01 refused; one of 0.05 with no min_control is
 * refused too (the constructor set min_control from the default 0.01, not from the file); a
 * min_control of 0.05 is the bound. */
START_TEST(test_thelen_minimum_activation) {
  refused(one_muscle(40000, "", "Thelen2003Muscle", "<minimum_activation>0.005</minimum_activation>"),
          HL_ERR_BAD_VALUE, "minimum_activation", "Minimum activation cannot be less than 0.01", NULL);
  refused(one_muscle(40000, "", "Thelen2003Muscle", "<minimum_activation>0.05</minimum_activation>"),
          HL_ERR_BAD_VALUE, "min_control", "the type's default", "Minimum control cannot be less than minimum activation");
  hl_model *m = load_ok(one_muscle(40000, "", "Thelen2003Muscle",
                                   "<minimum_activation>0.05</minimum_activation><min_control>0.05</min_control>"));
  NEAR(m->mus_min_control[0], 0.05, 0);
  ck_assert_int_eq(m->nnote, 0);
  hl_model_free(m);
}
END_TEST

/* Millard2012EquilibriumMuscle: min_control 0.01 by default (as Thelen); damped (the default) or
 * rigid-tendon models take minimum_activation 0 with min_control 0; the classic Hill model
 * (compliant tendon, no damping) needs minimum_activation >= 0.01. */
START_TEST(test_millard_bounds) {
  hl_model *m = load_ok(one_muscle(40000, "", "Millard2012EquilibriumMuscle", ""));
  NEAR(m->mus_min_control[0], 0.01, 0);
  NEAR(m->mus_max_control[0], 1.0, 0);
  hl_model_free(m);
  m = load_ok(one_muscle(40000, "", "Millard2012EquilibriumMuscle",
                         "<minimum_activation>0</minimum_activation><min_control>0</min_control>"));
  NEAR(m->mus_min_control[0], 0.0, 0);
  hl_model_free(m);
  refused(one_muscle(40000, "", "Millard2012EquilibriumMuscle", "<min_control>0</min_control>"),
          HL_ERR_BAD_VALUE, "Minimum control cannot be less than minimum activation", NULL, NULL);
  refused(one_muscle(40000, "", "Millard2012EquilibriumMuscle",
                     "<fiber_damping>0</fiber_damping><minimum_activation>0</minimum_activation><min_control>0</min_control>"),
          HL_ERR_BAD_VALUE, "classic Hill", "minimum_activation", NULL);
  m = load_ok(one_muscle(40000, "", "Millard2012EquilibriumMuscle",
                         "<fiber_damping>0</fiber_damping><ignore_tendon_compliance>true</ignore_tendon_compliance>"
                         "<minimum_activation>0</minimum_activation><min_control>0</min_control>"));
  NEAR(m->mus_min_control[0], 0.0, 0);
  NEAR(m->mus_curve[15], 1.0, 0);
  hl_model_free(m);
  refused(one_muscle(40000, "", "Millard2012EquilibriumMuscle", "<minimum_activation>-0.1</minimum_activation>"),
          HL_ERR_BAD_VALUE, "Minimum activation cannot be less than zero", NULL, NULL);
}
END_TEST

/* Millard's curve adjustments follow the damped model with a rigid tendon even without damping:
 * the active force-length curve's minimum goes to 0 (classic Hill: raised to 0.1). */
START_TEST(test_millard_rigid_tendon_curves) {
  const char *base = "<fiber_damping>0</fiber_damping><ActiveForceLengthCurve><minimum_value>0.05</minimum_value></ActiveForceLengthCurve>";
  char props[512];
  snprintf(props, sizeof props, "%s<ignore_tendon_compliance>true</ignore_tendon_compliance>", base);
  hl_model *rigid = load_ok(one_muscle(40000, "", "Millard2012EquilibriumMuscle", props));
  hl_model *hill = load_ok(one_muscle(40000, "", "Millard2012EquilibriumMuscle", base));
  /* well outside the active range (l~ = 2.5): the curve's minimum value */
  NEAR(hl_muscle_millard_active_fl(rigid->mus_curve, 2.5), 0.0, 1e-12);
  NEAR(hl_muscle_millard_active_fl(hill->mus_curve, 2.5), 0.1, 1e-12);
  hl_model_free(rigid);
  hl_model_free(hill);
}
END_TEST

/* DeGrooteFregly2016Muscle: Muscle's bounds [0, 1]; optimal_force in the file and an
 * active_force_width_scale below 1 refused. */
START_TEST(test_degroote_bounds_and_refusals) {
  hl_model *m = load_ok(one_muscle(40000, "", "DeGrooteFregly2016Muscle", ""));
  ck_assert_int_eq(m->mus_type[0], HL_MUSCLE_DEGROOTE2016);
  NEAR(m->mus_min_control[0], 0.0, 0);
  NEAR(m->mus_max_control[0], 1.0, 0);
  ck_assert_int_eq(hl_model_check_supported(m, NULL), HL_OK);
  hl_model_free(m);
  refused(one_muscle(40000, "", "DeGrooteFregly2016Muscle", "<optimal_force>1</optimal_force>"),
          HL_ERR_BAD_VALUE, "optimal_force", "use max_isometric_force instead", NULL);
  refused(one_muscle(40000, "", "DeGrooteFregly2016Muscle", "<active_force_width_scale>0.5</active_force_width_scale>"),
          HL_ERR_BAD_VALUE, "active_force_width_scale", NULL, NULL);
  refused(one_muscle(40000, "", "DeGrooteFregly2016Muscle", "<pennation_angle_at_optimal>1.6</pennation_angle_at_optimal>"),
          HL_ERR_BAD_VALUE, "Pennation angle at optimal fiber length", NULL, NULL);
}
END_TEST

/* De Groote's curves through the points OpenSim's constants were solved for (f_L(1) = 1,
 * f_V(0) = 1, f_V(-1) = 0), one value of each curve against the formulas of De Groote et al.
 * (2016) written out here with their published three-digit constants (the refined digits move
 * them by < 1e-2), and static optimization's force per activation: F0 f_L f_V, NOT times
 * cos(pennation) — OpenSim's calcInextensibleTendonActiveFiberForce returns the fibre force. */
START_TEST(test_degroote_curves) {
  NEAR(hl_muscle_degroote_active_fl(1.0, 1.0), 1.0, 1e-9);
  NEAR(hl_muscle_degroote_fv(0.0), 1.0, 1e-12);
  NEAR(hl_muscle_degroote_fv(-1.0), 0.0, 1e-12);
  const double b[3][4] = {{0.815, 1.055, 0.162, 0.063}, {0.433, 0.717, -0.030, 0.200}, {0.100, 1.000, 0.354, 0.000}};
  double x = 0.8, fl = 0;
  for (int k = 0; k < 3; k++) {
    double den = b[k][2] + b[k][3] * x;
    fl += b[k][0] * exp(-0.5 * (x - b[k][1]) * (x - b[k][1]) / (den * den));
  }
  NEAR(hl_muscle_degroote_active_fl(0.8, 1.0), fl, 5e-3);
  double t = -8.149 * 0.5 - 0.374, fv = -0.318 * log(t + sqrt(t * t + 1)) + 0.886;
  NEAR(hl_muscle_degroote_fv(0.5), fv, 5e-3);
  /* width scale 2: the curve at 1 + 2 (l~ - 1) equals the unscaled curve at l~ */
  NEAR(hl_muscle_degroote_active_fl(1.4, 2.0), hl_muscle_degroote_active_fl(1.2, 1.0), 1e-15);

  /* a pennated muscle at l_MT = l_TS + l_opt cos(a0): fibre at optimal length, at rest */
  hl_model *m = load_ok(one_muscle(40000, "", "DeGrooteFregly2016Muscle",
                                   "<pennation_angle_at_optimal>0.3</pennation_angle_at_optimal>"));
  double ln, vn, al, len = 0.2 + 0.1 * cos(0.3);
  double f = hl_muscle_force_per_activation(m, 0, len, 0.0, 1, &ln, &vn, &al);
  NEAR(ln, 1.0, 1e-12);
  NEAR(al, 0.3, 1e-12);
  NEAR(f, 1000.0 * hl_muscle_degroote_active_fl(ln, 1.0), 1e-9); /* no cos(0.3) = 0.955 */
  /* shortening at 0.5 l_opt v_max along the fibre */
  double speed = -0.5 * 0.1 * 10 / cos(0.3);
  f = hl_muscle_force_per_activation(m, 0, len, speed, 1, &ln, &vn, &al);
  NEAR(vn, -0.5, 1e-12);
  NEAR(f, 1000.0 * hl_muscle_degroote_active_fl(ln, 1.0) * hl_muscle_degroote_fv(-0.5), 1e-9);
  /* without muscle physiology: F0 */
  NEAR(hl_muscle_force_per_activation(m, 0, len, speed, 0, NULL, NULL, NULL), 1000.0, 0);
  hl_model_free(m);
}
END_TEST

/* A muscle type without curves in hipload is loaded with a note that refuses every run; so is an
 * actuator type hipload does not model. A Ligament is a warning, a disabled force information. */
START_TEST(test_unmodelled_elements_named) {
  char mus[2048], forces[4096];
  muscle_xml(mus, sizeof mus, 40000, "RigidTendonMuscle", "rtm", 0.05, "");
  snprintf(forces, sizeof forces, "%s<Ligament name=\"acl\"/>\n"
           "<Thelen2003Muscle name=\"off\"><appliesForce>false</appliesForce></Thelen2003Muscle>\n", mus);
  hl_model *m = load_ok(model_xml(40000, "", forces, "", "<mass>2</mass>"));
  ck_assert_int_eq(m->nmuscle, 1);
  ck_assert_int_eq(m->mus_type[0], HL_MUSCLE_OTHER);
  ck_assert_int_eq(hl_model_note_count(m, HL_NOTE_UNSUPPORTED), 1);
  ck_assert_int_eq(hl_model_note_count(m, HL_NOTE_IGNORED), 1);
  ck_assert_int_eq(hl_model_note_count(m, HL_NOTE_AS_OPENSIM), 1);
  ck_assert_int_eq(count_code(m, "muscle_curves_unknown"), 1);
  ck_assert_int_eq(count_code(m, "force_not_modelled"), 1);
  ck_assert_int_eq(count_code(m, "force_disabled"), 1);
  hl_error e;
  ck_assert_int_eq(hl_model_check_supported(m, &e), HL_ERR_UNSUPPORTED);
  ck_assert_msg(strstr(e.message, "conform.osim:") && strstr(e.message, "RigidTendonMuscle name=\"rtm\"") &&
                    strstr(e.message, "not modelled"), "%s", e.message);
  hl_model_free(m);

  m = load_ok(model_xml(40000, "", "<ActivationCoordinateActuator name=\"aca\"><coordinate>q</coordinate></ActivationCoordinateActuator>\n",
                        "", "<mass>2</mass>"));
  ck_assert_int_eq(count_code(m, "actuator_not_modelled"), 1);
  ck_assert_int_eq(hl_model_check_supported(m, &e), HL_ERR_UNSUPPORTED);
  ck_assert_msg(strstr(e.message, "ActivationCoordinateActuator name=\"aca\""), "%s", e.message);
  hl_model_free(m);
}
END_TEST

/* isDisabled counts in documents before 30509 only (OpenSim turns it into appliesForce; later
 * documents have no such property and OpenSim ignores the element). */
START_TEST(test_is_disabled_by_version) {
  hl_model *m = load_ok(one_muscle(30000, "", "Thelen2003Muscle", "<isDisabled>true</isDisabled><min_control>0.02</min_control>"));
  ck_assert_int_eq(m->nmuscle, 0);
  hl_model_free(m);
  m = load_ok(one_muscle(40000, "", "Thelen2003Muscle", "<isDisabled>true</isDisabled>"));
  ck_assert_int_eq(m->nmuscle, 1);
  hl_model_free(m);
  m = load_ok(one_muscle(40000, "", "Thelen2003Muscle", "<appliesForce>false</appliesForce>"));
  ck_assert_int_eq(m->nmuscle, 0);
  hl_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ other defaults */

/* TorqueActuator's axis defaults to Z; PointActuator's direction to X; every optimal_force to 1.
 * A <defaults> entry under a legacy name (GeneralizedForce) is skipped by OpenSim; one under the
 * new name (CoordinateActuator) serves the legacy elements too. */
START_TEST(test_actuator_defaults) {
  hl_model *m = load_ok(model_xml(40000, "", "<TorqueActuator name=\"t\"><bodyA>seg</bodyA></TorqueActuator>\n"
                                  "<PointActuator name=\"p\"><body>seg</body></PointActuator>\n", "", "<mass>2</mass>"));
  NEAR(m->act_direction[2], 1.0, 0);
  NEAR(m->act_direction[0], 0.0, 0);
  NEAR(m->act_direction[3], 1.0, 0);
  NEAR(m->act_optimal_force[0], 1.0, 0);
  NEAR(m->act_optimal_force[1], 1.0, 0);
  ck_assert(isinf(m->act_min_control[0]) && m->act_min_control[0] < 0);
  hl_model_free(m);
  const char *gf = "<GeneralizedForce name=\"g\"><coordinate>q</coordinate></GeneralizedForce>\n";
  m = load_ok(model_xml(20302, "<GeneralizedForce name=\"default\"><optimal_force>1000</optimal_force></GeneralizedForce>", gf, "", "<mass>2</mass>"));
  NEAR(m->act_optimal_force[0], 1.0, 0);
  hl_model_free(m);
  m = load_ok(model_xml(20302, "<CoordinateActuator name=\"default\"><optimal_force>7</optimal_force></CoordinateActuator>", gf, "", "<mass>2</mass>"));
  NEAR(m->act_optimal_force[0], 7.0, 0);
  hl_model_free(m);
}
END_TEST

/* Thelen2003Muscle's fv_linear_extrap_threshold and maximum_pennation_angle are read (they move
 * the force per activation) and checked as OpenSim does. */
START_TEST(test_thelen_extra_properties) {
  hl_model *m = load_ok(one_muscle(40000, "", "Thelen2003Muscle",
                                   "<fv_linear_extrap_threshold>0.9</fv_linear_extrap_threshold>"
                                   "<maximum_pennation_angle>1.2</maximum_pennation_angle>"
                                   "<pennation_angle_at_optimal>0.5</pennation_angle_at_optimal>"));
  NEAR(m->mus_curve[7], 0.9, 0);
  NEAR(m->mus_curve[8], 1.2, 0);
  /* a short path: the fibre is at the minimum length h / sin(1.2), pennation 1.2, no force */
  double al, f = hl_muscle_force_per_activation(m, 0, 0.2 + 0.01, 0.0, 1, NULL, NULL, &al);
  NEAR(al, 1.2, 1e-12);
  NEAR(f, 0.0, 0);
  hl_model_free(m);
  refused(one_muscle(40000, "", "Thelen2003Muscle", "<fv_linear_extrap_threshold>0.5</fv_linear_extrap_threshold>"),
          HL_ERR_BAD_VALUE, "fv_linear_extrap_threshold", "1.0/Flen", NULL);
  refused(one_muscle(40000, "", "Thelen2003Muscle", "<Flen>1</Flen>"), HL_ERR_BAD_VALUE, "Flen must be greater than 1.0", NULL, NULL);
  refused(one_muscle(40000, "", "Thelen2003Muscle", "<maximum_pennation_angle>2</maximum_pennation_angle>"),
          HL_ERR_BAD_VALUE, "Maximum pennation angle must be in the range", NULL, NULL);
}
END_TEST

/* Documents up to 20301: pennation_angle is the pennation at optimal, and the path points may sit
 * in a MusclePointSet directly in the muscle; later documents ignore pennation_angle. */
START_TEST(test_old_muscle_layout) {
  const char *mus =
      "<Thelen2003Muscle name=\"old\"><pennation_angle>0.2</pennation_angle>"
      "<MusclePointSet><objects><MusclePoint name=\"a\"><body>ground</body><location>0.05 0 0</location></MusclePoint>"
      "<MusclePoint name=\"b\"><body>seg</body><location>0.05 -0.3 0</location></MusclePoint></objects></MusclePointSet>"
      "<max_isometric_force>500</max_isometric_force></Thelen2003Muscle>\n";
  /* MusclePoint is the old name of PathPoint */
  hl_model *m = load_ok(model_xml(20001, "", mus, "", "<mass>2</mass>"));
  ck_assert_int_eq(m->nmuscle, 1);
  ck_assert_int_eq(m->mus_path_num[0], 2);
  NEAR(m->mus_alpha0[0], 0.2, 0);
  NEAR(m->mus_min_control[0], 0.01, 0);
  hl_model_free(m);
  char buf[2048];
  muscle_xml(buf, sizeof buf, 20302, "Thelen2003Muscle", "new", 0.05, "<pennation_angle>0.2</pennation_angle>");
  m = load_ok(model_xml(20302, "", buf, "", "<mass>2</mass>"));
  NEAR(m->mus_alpha0[0], 0.0, 0);
  hl_model_free(m);
}
END_TEST

/* A moving body needs a mass (OpenSim's default is NaN) that is not negative; a prescribed
 * coordinate is not supported; a constraint is a warning. */
START_TEST(test_bodies_coordinates_constraints) {
  refused(model_xml(40000, "", "", "", ""), HL_ERR_BAD_VALUE, "Body name=\"seg\"", "mass", "NaN");
  refused(model_xml(40000, "", "", "", "<mass>-3.5</mass>"), HL_ERR_BAD_VALUE, "Body name=\"seg\"", "-3.5 kg is negative", NULL);
  refused(model_xml(20302, "", "", "", "<mass>-3.5</mass>"), HL_ERR_BAD_VALUE, "conform.osim:", "-3.5 kg is negative", NULL);
  /* a constraint and a component: warnings naming them */
  char xml[32768];
  snprintf(xml, sizeof xml, "%s", model_xml(40000, "", "", "", "<mass>2</mass>"));
  char *at = strstr(xml, "<ForceSet>");
  char rest[32768];
  snprintf(rest, sizeof rest, "%s", at);
  snprintf(at, sizeof xml - (size_t)(at - xml),
           "<ConstraintSet><objects><PointOnLineConstraint name=\"cc\"/></objects></ConstraintSet>"
           "<components><ExpressionBasedCoordinateForce name=\"spring\"/>"
           "<PhysicalOffsetFrame name=\"f\"><socket_parent>/ground</socket_parent></PhysicalOffsetFrame></components>%s",
           rest);
  hl_model *m = load_ok(xml);
  ck_assert_int_eq(count_code(m, "constraint_not_enforced"), 1);
  ck_assert_int_eq(count_code(m, "component_not_read"), 1);
  ck_assert_int_eq(hl_model_note_count(m, HL_NOTE_IGNORED), 2);
  ck_assert_str_eq(m->note[1].name, "spring");
  ck_assert_int_eq(hl_model_check_supported(m, NULL), HL_OK);
  hl_model_free(m);
  m = load_ok(model_xml(40000, "", "", "<prescribed>true</prescribed>", "<mass>2</mass>"));
  ck_assert_int_eq(count_code(m, "coordinate_prescribed"), 1);
  hl_error e;
  ck_assert_int_eq(hl_model_check_supported(m, &e), HL_ERR_UNSUPPORTED);
  ck_assert_msg(strstr(e.message, "Coordinate name=\"q\"") && strstr(e.message, "prescribed"), "%s", e.message);
  hl_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ static optimization */

/* Two antagonists of equal strength about the pin, no load: the optimum is the lowest activation
 * the bounds allow — 0.01 for a 20302 Thelen model written with min_control 0 (what OpenSim 4.6
 * reports), 0 for Millard muscles given minimum_activation 0 and min_control 0. */
static double antagonists_at_rest(int version, const char *type, const char *props) {
  char a[2048], b[2048], forces[4096];
  muscle_xml(a, sizeof a, version, type, "flex", 0.05, props);
  muscle_xml(b, sizeof b, version, type, "ext", -0.05, props);
  snprintf(forces, sizeof forces, "%s%s", a, b);
  hl_model *m = load_ok(model_xml(version, "", forces, "", "<mass>2</mass>"));
  hl_data *d = NULL;
  double q = 0.0, qd = 0.0, qdd = 0.0, tau = 0.0, ctrl[2], frc[2];
  hl_error e;
  ck_assert_int_eq(hl_kin_create(m, &d, &e), HL_OK);
  ck_assert_int_eq(hl_kin_update(m, d, &q, &qd, &qdd, &e), HL_OK);
  ck_assert_int_eq(hl_muscle_update(m, d, 0, &e), HL_OK);
  hl_so_settings ss;
  hl_so_settings_defaults(&ss);
  hl_so *so = NULL;
  ck_assert_int_eq(hl_so_create(m, &ss, &so, &e), HL_OK);
  hl_so_info info;
  ck_assert_int_eq(hl_so_solve(m, so, d, &tau, ctrl, frc, &info, &e), HL_OK);
  NEAR(ctrl[0], ctrl[1], 1e-12);
  hl_so_free(so);
  hl_kin_free(d);
  hl_model_free(m);
  return ctrl[0];
}

START_TEST(test_so_lower_bound_of_old_thelen_model) {
  NEAR(antagonists_at_rest(20302, "Thelen2003Muscle", "<min_control>0</min_control>"), 0.01, 1e-12);
  NEAR(antagonists_at_rest(40000, "Millard2012EquilibriumMuscle",
                           "<minimum_activation>0</minimum_activation><min_control>0</min_control>"), 0.0, 1e-12);
  NEAR(antagonists_at_rest(40000, "Millard2012EquilibriumMuscle", ""), 0.01, 1e-12);
}
END_TEST

int main(void) {
  Suite *s = suite_create("conform");
  TCase *tc = tcase_create("rules");
  tcase_add_test(tc, test_thelen_20302_min_control_zero_becomes_001);
  tcase_add_test(tc, test_thelen_40000_min_control_zero_refused);
  tcase_add_test(tc, test_thelen_defaults_min_control_refused);
  tcase_add_test(tc, test_defaults_upgraded_too);
  tcase_add_test(tc, test_thelen_minimum_activation);
  tcase_add_test(tc, test_millard_bounds);
  tcase_add_test(tc, test_millard_rigid_tendon_curves);
  tcase_add_test(tc, test_degroote_bounds_and_refusals);
  tcase_add_test(tc, test_degroote_curves);
  tcase_add_test(tc, test_unmodelled_elements_named);
  tcase_add_test(tc, test_is_disabled_by_version);
  tcase_add_test(tc, test_actuator_defaults);
  tcase_add_test(tc, test_thelen_extra_properties);
  tcase_add_test(tc, test_old_muscle_layout);
  tcase_add_test(tc, test_bodies_coordinates_constraints);
  tcase_add_test(tc, test_so_lower_bound_of_old_thelen_model);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
