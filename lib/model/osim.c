/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — OpenSim .osim model reader (document versions 20302, 30000, 40000) and force-set
 * files. Reads the XML with libxml2 into a DOM, then builds the hl_model in three passes:
 * bodies and joints (ordered parent before child), coordinates and transform axes, forces.
 * Semantics follow OpenSim's own readers (see docs/model.md for the choices made). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "xmlutil.h"
#include "number.h"
#include "hipload/model.h"
#include "model_internal.h"

#define PI 3.14159265358979323846
#define TXT_MAX 8192 /* longest property text kept for numbers and names */

typedef struct joint_rec {
  xmlNodePtr node;      /* <CustomJoint>, <PinJoint>, ... */
  int parent, child;    /* raw body indices (into body_nodes) */
  double pR[9], pp[3];  /* joint frame in parent body */
  double cR[9], cp[3];  /* joint frame in child body */
} joint_rec;

typedef struct ctx {
  const char *file;
  hl_error *err;
  hl_model *m;
  int version;
  xmlNodePtr model;     /* <Model> (or <ForceSet>/<ActuatorSet> for force-set files) */
  xmlNodePtr defaults;  /* <defaults> of the document, or NULL */
  /* raw bodies in file order, ground first */
  xmlNodePtr *body_nodes;
  char (*body_names)[HL_NAME_MAX];
  int nraw;
  joint_rec *joints;
  int njraw;
} ctx;

/* ------------------------------------------------------------------ small XML helpers */


static xmlNodePtr first_elem(xmlNodePtr parent) {
  for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE) return c;
  return NULL;
}

static xmlNodePtr next_elem(xmlNodePtr n) {
  for (n = n ? n->next : NULL; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE) return n;
  return NULL;
}


static const char *tag(xmlNodePtr n) { return n ? (const char *)n->name : "?"; }

static int line_of(xmlNodePtr n) { return n ? (int)xmlGetLineNo(n) : 0; }

/* Whether element n's name attribute is `want`. */
static int name_is(xmlNodePtr n, const char *want) {
  xmlChar *a = n ? xmlGetProp(n, (const xmlChar *)"name") : NULL;
  int eq = strcmp(a ? (const char *)a : "", want) == 0;
  xmlFree(a);
  return eq;
}

/* The name of element n into buf (HL_NAME_MAX bytes: the model's name fields; "" when there is
 * none). A longer name is refused, naming the file, line and the whole name: cut, two names
 * sharing their first bytes would become one, and outputs would carry a name the file does not
 * have. */
static hl_status attr_name(ctx *c, xmlNodePtr n, char *buf) {
  xmlChar *a = n ? xmlGetProp(n, (const xmlChar *)"name") : NULL;
  size_t len = a ? strlen((const char *)a) : 0;
  hl_status st = HL_OK;
  if (len >= HL_NAME_MAX)
    st = hl_error_set(c->err, HL_ERR_UNSUPPORTED, c->file, line_of(n),
                      "<%s name=\"%s\">: the name has %zu bytes; hipload keeps names of at most %d",
                      tag(n), (const char *)a, len, HL_NAME_MAX - 1);
  else if (len) memcpy(buf, a, len);
  buf[st ? 0 : len] = '\0';
  xmlFree(a);
  return st;
}

/* Error about element n (its type and name are part of the message). */
static hl_status fail(ctx *c, hl_status st, xmlNodePtr n, const char *what, const char *detail) {
  xmlChar *a = n ? xmlGetProp(n, (const xmlChar *)"name") : NULL;
  hl_error_set(c->err, st, c->file, line_of(n), "<%s name=\"%s\">: %s%s%s", tag(n), a ? (const char *)a : "",
               what, detail && *detail ? ": " : "", detail ? detail : "");
  xmlFree(a);
  return st;
}

#define SIGNIFICANT_REAL 1.8189894035458565e-14 /* SimTK::SignificantReal = eps^(7/8) */
#define VERSION_NO_SILENT_CLAMP 30513 /* XMLDocument: "removing internal clamping of controls" */
#define VERSION_APPLIES_FORCE 30509   /* XMLDocument: isDisabled -> appliesForce */

/* The document version OpenSim reasons with: the OpenSimDocument Version, or 10500 for a file
 * without that root (XMLDocument::updateDocumentVersion). */
static int doc_version(const ctx *c) { return c->version > 0 ? c->version : 10500; }

/* The defaults object for an element's type (OpenSim registers the objects in <defaults> as the
 * templates new objects of that type are cloned from, so their values stand in for absent
 * properties). */
static xmlNodePtr defaults_for(ctx *c, xmlNodePtr obj) {
  if (!c->defaults || !obj) return NULL;
  /* OpenSim renames the legacy actuator types; an element of such a type is cloned from the
   * defaults object of the new type, and a <defaults> entry under the old name is skipped
   * (Object::updateDefaultObjectsFromXMLNode looks the tag up by the new class name) */
  static const char *renamed[3][2] = {{"GeneralizedForce", "CoordinateActuator"},
                                      {"Force", "PointActuator"},
                                      {"Torque", "TorqueActuator"}};
  const char *t = tag(obj);
  for (int k = 0; k < 3; k++)
    if (strcmp(t, renamed[k][0]) == 0) t = renamed[k][1];
  return hl__xml_child(c->defaults, t);
}

/* Property element `name` of object obj, falling back to the type's defaults object. */
static xmlNodePtr prop(ctx *c, xmlNodePtr obj, const char *name) {
  xmlNodePtr p = hl__xml_child(obj, name);
  if (!p) p = hl__xml_child(defaults_for(c, obj), name);
  return p;
}

/* Parse up to n doubles from text. Returns the count read, -1 if a token is not a number. */
static int parse_doubles(const char *s, double *out, int n) {
  int k = 0;
  while (*s) {
    while (*s && isspace((unsigned char)*s)) s++;
    if (!*s) break;
    char *end;
    errno = 0;
    double v = hl__strtod(s, &end);
    if (end == s || (*end && !isspace((unsigned char)*end))) return -1;
    if (k < n) out[k] = v;
    k++;
    s = end;
  }
  return k;
}

/* Read n doubles of property `name` (default values kept when absent). */
static hl_status get_vec(ctx *c, xmlNodePtr obj, const char *name, int n, double *out) {
  xmlNodePtr p = prop(c, obj, name);
  if (!p) return HL_OK;
  char buf[TXT_MAX];
  hl__xml_text(p, buf, sizeof buf);
  double v[16];
  int k = parse_doubles(buf, v, n < 16 ? n : 16);
  char detail[TXT_MAX + 128];
  if (k < 0) {
    snprintf(detail, sizeof detail, "'%.200s' is not a number", buf);
    return fail(c, HL_ERR_PARSE, obj, name, detail);
  }
  if (k != n) {
    snprintf(detail, sizeof detail, "expected %d number%s, found %d", n, n > 1 ? "s" : "", k);
    return fail(c, HL_ERR_PARSE, obj, name, detail);
  }
  for (int i = 0; i < n; i++) {
    if (!isfinite(v[i]) && !(strcmp(name, "min_control") == 0 || strcmp(name, "max_control") == 0)) {
      snprintf(detail, sizeof detail, "'%.200s' is not finite", buf);
      return fail(c, HL_ERR_BAD_VALUE, obj, name, detail);
    }
    out[i] = v[i];
  }
  return HL_OK;
}

static hl_status get_dbl(ctx *c, xmlNodePtr obj, const char *name, double *out) {
  return get_vec(c, obj, name, 1, out);
}

static hl_status get_bool(ctx *c, xmlNodePtr obj, const char *name, int *out) {
  xmlNodePtr p = prop(c, obj, name);
  if (!p) return HL_OK;
  char buf[64];
  hl__xml_text(p, buf, sizeof buf);
  if (strcmp(buf, "true") == 0 || strcmp(buf, "1") == 0) *out = 1;
  else if (strcmp(buf, "false") == 0 || strcmp(buf, "0") == 0) *out = 0;
  else return fail(c, HL_ERR_PARSE, obj, name, "expected true or false");
  return HL_OK;
}

/* String property; empty when absent. */
static void get_str(ctx *c, xmlNodePtr obj, const char *name, char *buf, size_t cap) {
  hl__xml_text(prop(c, obj, name), buf, cap);
}

/* Last segment of a component path ("/jointset/knee_r/knee_angle_r" -> "knee_angle_r"). */
static const char *last_seg(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

#define TRY(x)                      \
  do {                              \
    hl_status st_ = (x);            \
    if (st_ != HL_OK) return st_;   \
  } while (0)

/* ------------------------------------------------------------------ rotations */

/* OpenSim orientations are body-fixed X-Y-Z Euler angles: R = Rx(a)·Ry(b)·Rz(c)
 * (SimTK::Rotation with BodyRotationSequence, as in PhysicalOffsetFrame and Joint). */
static void euler_xyz(const double e[3], double R[9]) {
  double ca = cos(e[0]), sa = sin(e[0]), cb = cos(e[1]), sb = sin(e[1]);
  double cc = cos(e[2]), sc = sin(e[2]);
  R[0] = cb * cc;                 R[1] = -cb * sc;                R[2] = sb;
  R[3] = sa * sb * cc + ca * sc;  R[4] = -sa * sb * sc + ca * cc; R[5] = -sa * cb;
  R[6] = -ca * sb * cc + sa * sc; R[7] = ca * sb * sc + sa * cc;  R[8] = ca * cb;
}

static void matmul3(const double A[9], const double B[9], double C[9]) {
  double T[9];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      T[3 * i + j] = A[3 * i] * B[j] + A[3 * i + 1] * B[3 + j] + A[3 * i + 2] * B[6 + j];
  memcpy(C, T, sizeof T);
}

static void matvec3(const double A[9], const double v[3], double out[3]) {
  double t[3];
  for (int i = 0; i < 3; i++) t[i] = A[3 * i] * v[0] + A[3 * i + 1] * v[1] + A[3 * i + 2] * v[2];
  memcpy(out, t, sizeof t);
}

/* ------------------------------------------------------------------ bodies and frames */

static int raw_body(ctx *c, const char *name) {
  for (int i = 0; i < c->nraw; i++)
    if (strcmp(c->body_names[i], name) == 0) return i;
  return -1;
}

static hl_status add_raw_body(ctx *c, xmlNodePtr n, const char *name) {
  xmlNodePtr *bn = realloc(c->body_nodes, sizeof *bn * (size_t)(c->nraw + 1));
  if (!bn) return hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
  c->body_nodes = bn;
  char (*nm)[HL_NAME_MAX] = realloc(c->body_names, sizeof *nm * (size_t)(c->nraw + 1));
  if (!nm) return hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
  c->body_names = nm;
  bn[c->nraw] = n;
  hl__copy_name(nm[c->nraw], name);
  c->nraw++;
  return HL_OK;
}

/* Find a PhysicalOffsetFrame named `name` under `scope` (depth-first). */
static xmlNodePtr find_frame(xmlNodePtr scope, const char *name) {
  for (xmlNodePtr k = first_elem(scope); k; k = next_elem(k)) {
    if (hl__xml_is(k, "defaults")) continue;
    if (hl__xml_is(k, "PhysicalOffsetFrame") && name_is(k, name)) return k;
    xmlNodePtr r = find_frame(k, name);
    if (r) return r;
  }
  return NULL;
}

/* Resolve a 4.0 frame path (a body, ground, or a PhysicalOffsetFrame possibly attached to
 * another frame) to a raw body and the frame's pose in that body. `scope` is the component
 * that owns the socket (its frames are searched first). */
static hl_status resolve_frame(ctx *c, xmlNodePtr owner, xmlNodePtr scope, const char *path,
                               int depth, int *body, double R[9], double p[3]) {
  const char *nm = last_seg(path);
  for (int i = 0; i < 9; i++) R[i] = (i % 4 == 0);
  p[0] = p[1] = p[2] = 0.0;
  if (depth > 16) return fail(c, HL_ERR_PARSE, owner, "frame chain too deep", path);
  xmlNodePtr f = NULL;
  if (scope) f = find_frame(scope, nm);
  int b = raw_body(c, nm);
  if (!f && b >= 0) {
    *body = b;
    return HL_OK;
  }
  if (!f) f = find_frame(c->model, nm);
  if (!f) {
    char d[600];
    snprintf(d, sizeof d, "frame '%.500s' is not a body, ground or offset frame of the model", path);
    return fail(c, HL_ERR_NOT_FOUND, owner, "socket", d);
  }
  char parent[TXT_MAX];
  get_str(c, f, "socket_parent", parent, sizeof parent);
  double Rp[9], pp[3], e[3] = {0, 0, 0}, t[3] = {0, 0, 0}, Ro[9];
  TRY(resolve_frame(c, f, f->parent ? f->parent->parent : NULL, parent, depth + 1, body, Rp, pp));
  TRY(get_vec(c, f, "translation", 3, t));
  TRY(get_vec(c, f, "orientation", 3, e));
  euler_xyz(e, Ro);
  matmul3(Rp, Ro, R);
  matvec3(Rp, t, p);
  for (int i = 0; i < 3; i++) p[i] += pp[i];
  return HL_OK;
}

/* ------------------------------------------------------------------ functions */

static int is_function_tag(xmlNodePtr n) {
  static const char *names[] = {"Constant", "LinearFunction", "SimmSpline", "NaturalCubicSpline",
                                "PolynomialFunction", "MultiplierFunction",
                                "PiecewiseLinearFunction", "GCVSpline", "PiecewiseConstantFunction",
                                "StepFunction", "Sine", "FunctionSet"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (hl__xml_is(n, names[i])) return 1;
  return 0;
}

/* The function element held by `holder`: either holder itself is a function, or it wraps one
 * (<function><SimmSpline>..., 2.x/3.0), or (4.0) a function-typed child with name="function". */
static xmlNodePtr function_elem(xmlNodePtr holder) {
  if (!holder) return NULL;
  if (is_function_tag(holder) && !hl__xml_is(holder, "FunctionSet")) return holder;
  for (xmlNodePtr k = first_elem(holder); k; k = next_elem(k))
    if (is_function_tag(k)) return k;
  return NULL;
}

/* Read the knots of a spline-like function into a freshly allocated x/y pair (2n doubles). */
static hl_status read_knots(ctx *c, xmlNodePtr fn, double **xy, int *n) {
  char *bx = malloc(1u << 20), *by = malloc(1u << 20);
  if (!bx || !by) {
    free(bx);
    free(by);
    return hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
  }
  hl__xml_text(hl__xml_child(fn, "x"), bx, 1u << 20);
  hl__xml_text(hl__xml_child(fn, "y"), by, 1u << 20);
  int nx = parse_doubles(bx, NULL, 0), ny = parse_doubles(by, NULL, 0);
  hl_status st = HL_OK;
  if (nx < 0 || ny < 0) {
    st = fail(c, HL_ERR_PARSE, fn, nx < 0 ? "x" : "y", "not a list of numbers");
  } else if (nx != ny) {
    char d[128];
    snprintf(d, sizeof d, "x has %d values but y has %d", nx, ny);
    st = fail(c, HL_ERR_PARSE, fn, "knots", d);
  } else if (nx == 0) {
    st = fail(c, HL_ERR_PARSE, fn, "knots", "no x/y values");
  } else {
    *xy = malloc(sizeof(double) * 2 * (size_t)nx);
    if (!*xy) st = hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
    else {
      parse_doubles(bx, *xy, nx);
      parse_doubles(by, *xy + nx, nx);
      *n = nx;
      for (int i = 1; i < nx && st == HL_OK; i++)
        if (!((*xy)[i] > (*xy)[i - 1])) st = fail(c, HL_ERR_BAD_VALUE, fn, "x", "knots not increasing");
      if (st != HL_OK) {
        free(*xy);
        *xy = NULL;
      }
    }
  }
  free(bx);
  free(by);
  return st;
}

/* Parse function element fn into the pool. *out = function index; *identity = 1 when it is
 * LinearFunction(1, 0) (stored as -1 by the caller when that is wanted). */
static hl_status parse_function(ctx *c, xmlNodePtr fn, int *out, int *identity) {
  hl_model *m = c->m;
  *out = -1;
  if (identity) *identity = 0;
  if (hl__xml_is(fn, "Constant")) {
    double v = 0.0;
    TRY(get_dbl(c, fn, "value", &v));
    *out = hl__model_add_func(m, HL_FUNC_CONSTANT, 1, &v, -1, 1.0);
  } else if (hl__xml_is(fn, "LinearFunction")) {
    double k[2] = {1.0, 0.0};
    TRY(get_vec(c, fn, "coefficients", 2, k));
    if (identity) *identity = k[0] == 1.0 && k[1] == 0.0;
    *out = hl__model_add_func(m, HL_FUNC_LINEAR, 2, k, -1, 1.0);
  } else if (hl__xml_is(fn, "PolynomialFunction")) {
    char buf[TXT_MAX];
    double k[64];
    hl__xml_text(hl__xml_child(fn, "coefficients"), buf, sizeof buf);
    int n = parse_doubles(buf, k, 64);
    if (n <= 0 || n > 64) return fail(c, HL_ERR_PARSE, fn, "coefficients", "expected 1 to 64 numbers");
    *out = hl__model_add_func(m, HL_FUNC_POLYNOMIAL, n, k, -1, 1.0);
  } else if (hl__xml_is(fn, "SimmSpline") || hl__xml_is(fn, "NaturalCubicSpline") ||
             hl__xml_is(fn, "PiecewiseLinearFunction")) {
    double *xy = NULL;
    int n = 0;
    TRY(read_knots(c, fn, &xy, &n));
    hl_func_type t = hl__xml_is(fn, "SimmSpline") ? HL_FUNC_SIMMSPLINE
                     : hl__xml_is(fn, "NaturalCubicSpline") ? HL_FUNC_NATCUBIC
                                                          : HL_FUNC_PIECEWISE_LINEAR;
    if (n == 1) *out = hl__model_add_func(m, HL_FUNC_CONSTANT, 1, xy + 1, -1, 1.0);
    else *out = hl__model_add_func(m, t, n, xy, -1, 1.0);
    free(xy);
  } else if (hl__xml_is(fn, "MultiplierFunction")) {
    double scale = 1.0;
    TRY(get_dbl(c, fn, "scale", &scale));
    xmlNodePtr inner = function_elem(hl__xml_child(fn, "function"));
    if (!inner) {
      for (xmlNodePtr k = first_elem(fn); k && !inner; k = next_elem(k))
        if (is_function_tag(k)) inner = k;
    }
    if (!inner) return fail(c, HL_ERR_PARSE, fn, "function", "missing inner function");
    int fi;
    TRY(parse_function(c, inner, &fi, NULL));
    *out = hl__model_add_func(m, HL_FUNC_MULTIPLIER, 0, NULL, fi, scale);
  } else {
    return fail(c, HL_ERR_UNSUPPORTED, fn, "function type not supported", NULL);
  }
  if (*out < 0) return hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
  return HL_OK;
}

/* ------------------------------------------------------------------ joints */

static const char *joint_tags[] = {"CustomJoint", "PinJoint",     "WeldJoint",    "BallJoint",
                                   "UniversalJoint", "FreeJoint", "PlanarJoint", "SliderJoint"};

static int joint_type(xmlNodePtr n) {
  for (int i = 0; i < (int)(sizeof joint_tags / sizeof joint_tags[0]); i++)
    if (hl__xml_is(n, joint_tags[i])) return i;
  return -1;
}

static hl_status add_joint_rec(ctx *c, const joint_rec *r) {
  joint_rec *j = realloc(c->joints, sizeof *j * (size_t)(c->njraw + 1));
  if (!j) return hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
  c->joints = j;
  j[c->njraw++] = *r;
  return HL_OK;
}

static int is_joint_like(xmlNodePtr n) {
  const char *t = tag(n);
  size_t l = strlen(t);
  return l > 5 && strcmp(t + l - 5, "Joint") == 0;
}

/* 2.x / 3.0: <Body><Joint><XJoint> with parent_body and in-parent/in-child frames. */
static hl_status collect_nested_joint(ctx *c, int child_raw) {
  xmlNodePtr jw = hl__xml_child(c->body_nodes[child_raw], "Joint");
  xmlNodePtr jn = first_elem(jw);
  if (!jn) return HL_OK; /* ground or a body with no joint (checked later) */
  if (joint_type(jn) < 0) return fail(c, HL_ERR_UNSUPPORTED, jn, "joint type not supported", NULL);
  joint_rec r;
  memset(&r, 0, sizeof r);
  r.node = jn;
  r.child = child_raw;
  char pb[TXT_MAX];
  get_str(c, jn, "parent_body", pb, sizeof pb);
  r.parent = raw_body(c, pb);
  if (r.parent < 0) return fail(c, HL_ERR_NOT_FOUND, jn, "parent_body", pb);
  int rev = 0;
  TRY(get_bool(c, jn, "reverse", &rev));
  if (rev) return fail(c, HL_ERR_UNSUPPORTED, jn, "reversed joints are not supported", NULL);
  double e[3] = {0, 0, 0};
  TRY(get_vec(c, jn, "location_in_parent", 3, r.pp));
  TRY(get_vec(c, jn, "orientation_in_parent", 3, e));
  euler_xyz(e, r.pR);
  e[0] = e[1] = e[2] = 0.0;
  TRY(get_vec(c, jn, "location", 3, r.cp));
  TRY(get_vec(c, jn, "orientation", 3, e));
  euler_xyz(e, r.cR);
  return add_joint_rec(c, &r);
}

/* 4.0: <JointSet><objects><XJoint> with socket_parent_frame / socket_child_frame. */
static hl_status collect_jointset(ctx *c, xmlNodePtr objs) {
  for (xmlNodePtr jn = first_elem(objs); jn; jn = next_elem(jn)) {
    if (joint_type(jn) < 0) return fail(c, HL_ERR_UNSUPPORTED, jn, "joint type not supported", NULL);
    joint_rec r;
    memset(&r, 0, sizeof r);
    r.node = jn;
    char pf[TXT_MAX], cf[TXT_MAX];
    get_str(c, jn, "socket_parent_frame", pf, sizeof pf);
    get_str(c, jn, "socket_child_frame", cf, sizeof cf);
    if (!pf[0]) get_str(c, jn, "parent_body", pf, sizeof pf);
    if (!pf[0] || !cf[0]) return fail(c, HL_ERR_PARSE, jn, "missing parent or child frame", NULL);
    TRY(resolve_frame(c, jn, jn, pf, 0, &r.parent, r.pR, r.pp));
    TRY(resolve_frame(c, jn, jn, cf, 0, &r.child, r.cR, r.cp));
    TRY(add_joint_rec(c, &r));
  }
  return HL_OK;
}

static void normalize(double v[3]) {
  double n = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  if (n > 0) for (int i = 0; i < 3; i++) v[i] /= n;
}

/* A coordinate's motion type as OpenSim derives it when the file does not say: rotational when
 * it drives a rotation axis, translational when it drives only translations. */
static void set_axis(hl_model *m, int j, int k, const double ax[3], int coord, int func) {
  int a = 6 * j + k;
  memcpy(m->tax_axis + 3 * a, ax, sizeof(double) * 3);
  normalize(m->tax_axis + 3 * a);
  m->tax_ncoord[a] = coord >= 0;
  m->tax_coord[a * HL_TAX_MAXCOORD] = coord;
  m->tax_func[a] = func;
}

static hl_status coordinate_rules(ctx *c, xmlNodePtr cn);

/* Coordinates of joint element jn, appended to the model; returns first index and count. */
static hl_status read_coords(ctx *c, xmlNodePtr jn, int j, int *explicit_type) {
  hl_model *m = c->m;
  xmlNodePtr set = hl__xml_child(jn, "coordinates"); /* 4.0 */
  if (!set) set = hl__xml_child(hl__xml_child(jn, "CoordinateSet"), "objects");
  m->jnt_coord_adr[j] = m->ncoord;
  for (xmlNodePtr cn = first_elem(set); cn; cn = next_elem(cn)) {
    if (!hl__xml_is(cn, "Coordinate")) continue;
    char nm[HL_NAME_MAX];
    TRY(attr_name(c, cn, nm));
    if (hl_model_coord(m, nm) >= 0) return fail(c, HL_ERR_PARSE, cn, "duplicate coordinate name", NULL);
    int q = hl__model_add_coord(m, nm);
    if (q < 0) return hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
    m->coord_joint[q] = j;
    m->coord_range[2 * q] = -10.0; /* Coordinate::constructProperties default range */
    m->coord_range[2 * q + 1] = 10.0;
    TRY(get_dbl(c, cn, "default_value", &m->coord_default[q]));
    TRY(get_vec(c, cn, "range", 2, m->coord_range + 2 * q));
    TRY(get_bool(c, cn, "locked", &m->coord_locked[q]));
    TRY(get_bool(c, cn, "clamped", &m->coord_clamped[q]));
    TRY(coordinate_rules(c, cn));
    char mt[64];
    get_str(c, cn, "motion_type", mt, sizeof mt);
    m->coord_rotational[q] = -1;
    if (strcmp(mt, "rotational") == 0) m->coord_rotational[q] = 1;
    else if (strcmp(mt, "translational") == 0) m->coord_rotational[q] = 0;
    else if (mt[0] && strcmp(mt, "coupled") != 0)
      return fail(c, HL_ERR_PARSE, cn, "motion_type", mt);
  }
  m->jnt_coord_num[j] = m->ncoord - m->jnt_coord_adr[j];
  *explicit_type = 1;
  return HL_OK;
}

static hl_status need_coords(ctx *c, xmlNodePtr jn, int j, int n) {
  if (c->m->jnt_coord_num[j] != n) {
    char d[96];
    snprintf(d, sizeof d, "expected %d coordinates, found %d", n, c->m->jnt_coord_num[j]);
    return fail(c, HL_ERR_PARSE, jn, "coordinates", d);
  }
  return HL_OK;
}

/* OpenSim's motion type of the coordinates of CustomJoint j (CustomJoint::extendConnectToModel):
 * an axis with a LinearFunction of slope ±1 makes it Rotational or Translational; any other
 * function makes it Coupled unless an earlier axis decided. */
static void coupled_types(hl_model *m, int j) {
  for (int q = m->jnt_coord_adr[j]; q < m->jnt_coord_adr[j] + m->jnt_coord_num[j]; q++) {
    int mt = 0; /* 0 undefined, 1 pure, 2 coupled */
    for (int k = 0; k < 6; k++) {
      int t = 6 * j + k, f = m->tax_func[t];
      if (m->tax_ncoord[t] < 1 || m->tax_coord[t * HL_TAX_MAXCOORD] != q) continue;
      int pure = f < 0 || (m->func[f].type == HL_FUNC_LINEAR &&
                           fabs(m->func_data[m->func[f].adr]) == 1.0);
      if (pure) mt = 1;
      else if (mt == 0) mt = 2;
    }
    m->coord_coupled[q] = mt == 2;
  }
}

static hl_status build_custom_axes(ctx *c, xmlNodePtr jn, int j) {
  hl_model *m = c->m;
  static const char *names[6] = {"rotation1", "rotation2", "rotation3",
                                 "translation1", "translation2", "translation3"};
  static const double defaxis[6][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1},
                                       {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  xmlNodePtr st = hl__xml_child(jn, "SpatialTransform");
  for (int k = 0; k < 6; k++) {
    xmlNodePtr ta = NULL;
    for (xmlNodePtr t = first_elem(st); t; t = next_elem(t))
      if (hl__xml_is(t, "TransformAxis") && name_is(t, names[k])) ta = t;
    double ax[3] = {defaxis[k][0], defaxis[k][1], defaxis[k][2]};
    if (!ta) {
      set_axis(m, j, k, ax, -1, -1);
      continue;
    }
    TRY(get_vec(c, ta, "axis", 3, ax));
    if (ax[0] == 0 && ax[1] == 0 && ax[2] == 0) memcpy(ax, defaxis[k], sizeof ax);
    char cl[TXT_MAX];
    get_str(c, ta, "coordinates", cl, sizeof cl);
    int coord = -1, ncoord = 0;
    char *save = NULL;
    for (char *tok = strtok_r(cl, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
      ncoord++;
      coord = hl_model_coord(m, tok);
      if (coord < 0) return fail(c, HL_ERR_NOT_FOUND, ta, "coordinate not in the model", tok);
    }
    if (ncoord > 1)
      return fail(c, HL_ERR_UNSUPPORTED, ta, "transform axis of several coordinates", cl);
    xmlNodePtr fe = hl__xml_child(ta, "function");
    xmlNodePtr fn = fe ? function_elem(fe) : NULL;
    if (!fn)
      for (xmlNodePtr t = first_elem(ta); t && !fn; t = next_elem(t))
        if (is_function_tag(t)) fn = t;
    int func = -1, ident = 0;
    if (fn) {
      TRY(parse_function(c, fn, &func, &ident));
      if (ident && coord >= 0) func = -1; /* identity of the coordinate */
    } else if (coord < 0) {
      func = -1; /* no coordinate, no function: constant zero */
    }
    if (coord < 0 && func >= 0) {
      /* constant axis: keep only when it is not zero */
      double v;
      hl_model_function_eval(m, func, 0.0, &v, NULL, NULL);
      if (v == 0.0) func = -1;
    }
    set_axis(m, j, k, ax, coord, func);
    if (coord >= 0 && m->coord_rotational[coord] < 0) m->coord_rotational[coord] = k < 3 ? 1 : 2;
    else if (coord >= 0 && m->coord_rotational[coord] == 2 && k < 3) m->coord_rotational[coord] = 1;
  }
  /* Rotation axes must be independent for OpenSim's SpatialTransform; it replaces dependent
   * axes. We accept that only when the dependent axis is a constant zero rotation. */
  for (int k = 0; k < 3; k++) {
    const double *a = m->tax_axis + 3 * (6 * j + k);
    for (int l = k + 1; l < 3; l++) {
      double *b = m->tax_axis + 3 * (6 * j + l);
      double d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
      if (fabs(fabs(d) - 1.0) < 1e-9) {
        if (m->tax_ncoord[6 * j + l] == 0 && m->tax_func[6 * j + l] < 0) {
          memcpy(b, defaxis[l], sizeof(double) * 3); /* a zero rotation: any axis will do */
          if (fabs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) > 0.999)
            memcpy(b, defaxis[(l + 1) % 3], sizeof(double) * 3);
        } else {
          return fail(c, HL_ERR_UNSUPPORTED, jn, "parallel rotation axes (OpenSim orthogonalizes them)", NULL);
        }
      }
    }
  }
  coupled_types(c->m, j);
  return HL_OK;
}

/* Convert joint j (element jn) into the six-axis form. */
static hl_status build_axes(ctx *c, xmlNodePtr jn, int j) {
  hl_model *m = c->m;
  static const double X[3] = {1, 0, 0}, Y[3] = {0, 1, 0}, Z[3] = {0, 0, 1};
  int q0 = m->jnt_coord_adr[j];
  int t = m->jnt_type[j];
  /* defaults: rotations X, Y, Z and translations X, Y, Z, all constant zero */
  set_axis(m, j, 0, X, -1, -1);
  set_axis(m, j, 1, Y, -1, -1);
  set_axis(m, j, 2, Z, -1, -1);
  set_axis(m, j, 3, X, -1, -1);
  set_axis(m, j, 4, Y, -1, -1);
  set_axis(m, j, 5, Z, -1, -1);
  switch (t) {
  case HL_JOINT_CUSTOM:
    return build_custom_axes(c, jn, j);
  case HL_JOINT_WELD:
    return need_coords(c, jn, j, 0);
  case HL_JOINT_PIN: /* rotation about the joint frame's Z */
    TRY(need_coords(c, jn, j, 1));
    set_axis(m, j, 0, Z, q0, -1);
    set_axis(m, j, 1, X, -1, -1);
    set_axis(m, j, 2, Y, -1, -1);
    break;
  case HL_JOINT_SLIDER: /* translation along the joint frame's X */
    TRY(need_coords(c, jn, j, 1));
    set_axis(m, j, 3, X, q0, -1);
    break;
  case HL_JOINT_BALL: /* body-fixed X-Y-Z rotations */
    TRY(need_coords(c, jn, j, 3));
    for (int k = 0; k < 3; k++) m->tax_coord[(6 * j + k) * HL_TAX_MAXCOORD] = q0 + k;
    for (int k = 0; k < 3; k++) m->tax_ncoord[6 * j + k] = 1;
    break;
  case HL_JOINT_UNIVERSAL: /* X then Y (body-fixed) */
    TRY(need_coords(c, jn, j, 2));
    for (int k = 0; k < 2; k++) m->tax_coord[(6 * j + k) * HL_TAX_MAXCOORD] = q0 + k;
    for (int k = 0; k < 2; k++) m->tax_ncoord[6 * j + k] = 1;
    break;
  case HL_JOINT_FREE: /* X-Y-Z rotations then translations along the parent frame's X, Y, Z */
    TRY(need_coords(c, jn, j, 6));
    for (int k = 0; k < 6; k++) m->tax_coord[(6 * j + k) * HL_TAX_MAXCOORD] = q0 + k;
    for (int k = 0; k < 6; k++) m->tax_ncoord[6 * j + k] = 1;
    break;
  case HL_JOINT_PLANAR: /* rotation about Z, translations along X and Y */
    TRY(need_coords(c, jn, j, 3));
    set_axis(m, j, 0, Z, q0, -1);
    set_axis(m, j, 1, X, -1, -1);
    set_axis(m, j, 2, Y, -1, -1);
    set_axis(m, j, 3, X, q0 + 1, -1);
    set_axis(m, j, 4, Y, q0 + 2, -1);
    break;
  default:
    break;
  }
  /* motion types implied by the joint type */
  for (int k = 0; k < 6; k++) {
    int a = 6 * j + k, q = m->tax_coord[a * HL_TAX_MAXCOORD];
    if (m->tax_ncoord[a] && q >= 0 && m->coord_rotational[q] < 0) m->coord_rotational[q] = k < 3;
  }
  return HL_OK;
}

/* ------------------------------------------------------------------ model skeleton */

static hl_status read_inertia(ctx *c, xmlNodePtr bn, int b) {
  hl_model *m = c->m;
  double *I = m->body_inertia + 9 * b;
  if (!prop(c, bn, "mass")) /* Body::constructProperties: mass NaN */
    return fail(c, HL_ERR_BAD_VALUE, bn, "mass", "missing (OpenSim's default is NaN)");
  TRY(get_dbl(c, bn, "mass", &m->body_mass[b]));
  if (m->body_mass[b] < 0) {
    char d[96];
    hl__snprintf_c(d, sizeof d, "%g kg is negative", m->body_mass[b]);
    return fail(c, HL_ERR_BAD_VALUE, bn, "mass", d);
  }
  TRY(get_vec(c, bn, "mass_center", 3, m->body_com + 3 * b));
  double v[6] = {0, 0, 0, 0, 0, 0};
  if (hl__xml_child(bn, "inertia")) {
    TRY(get_vec(c, bn, "inertia", 6, v));
  } else {
    static const char *nm[6] = {"inertia_xx", "inertia_yy", "inertia_zz",
                                "inertia_xy", "inertia_xz", "inertia_yz"};
    for (int k = 0; k < 6; k++) TRY(get_dbl(c, bn, nm[k], &v[k]));
  }
  I[0] = v[0]; I[4] = v[1]; I[8] = v[2];
  I[1] = I[3] = v[3];
  I[2] = I[6] = v[4];
  I[5] = I[7] = v[5];
  return HL_OK;
}

/* ------------------------------------------------------------------ wrap objects, path wraps
 * (issue 16). OpenSim's WrapObject properties: active, xyz_body_rotation, translation, quadrant,
 * and each shape's dimensions; PathWrap: wrap_object, method, range. */

static hl_status coord_ref(ctx *c, xmlNodePtr owner, const char *ref, int *q);

static const char *wrap_tags[] = {"WrapCylinder", "WrapSphere", "WrapEllipsoid", "WrapTorus"};

/* quadrant text → axis and sign, as WrapObject::extendFinalizeFromProperties; 0 when unknown */
static int parse_quadrant(const char *q, int *axis, int *sign) {
  if (!strcmp(q, "all") || !strcmp(q, "ALL") || !strcmp(q, "All") || !strcmp(q, "Unassigned")) {
    *axis = -1;
    *sign = 0;
    return 1;
  }
  const char *t = q;
  int sg = 1;
  if (*t == '-' || *t == '+') sg = *t++ == '-' ? -1 : 1;
  if (!t[0] || t[1]) return 0;
  int ax = t[0] == 'x' || t[0] == 'X' ? 0 : t[0] == 'y' || t[0] == 'Y' ? 1 : t[0] == 'z' || t[0] == 'Z' ? 2 : -1;
  if (ax < 0) return 0;
  *axis = ax;
  *sign = sg;
  return 1;
}

/* The shape's dimensions (OpenSim's defaults when absent), refused when not positive. */
static hl_status read_wrap_dims(ctx *c, xmlNodePtr w, int type, double dim[3]) {
  char d[160];
  if (type == HL_WRAP_CYLINDER) {
    dim[0] = dim[1] = 1.0;
    TRY(get_dbl(c, w, "radius", &dim[0]));
    TRY(get_dbl(c, w, "length", &dim[1]));
    if (!(dim[0] > 0) || !(dim[1] > 0)) {
      hl__snprintf_c(d, sizeof d, "radius %g and length %g must be positive", dim[0], dim[1]);
      return fail(c, HL_ERR_BAD_VALUE, w, dim[0] > 0 ? "length" : "radius", d);
    }
  } else if (type == HL_WRAP_SPHERE) {
    dim[0] = 0.05;
    TRY(get_dbl(c, w, "radius", &dim[0]));
    if (!(dim[0] > 0)) {
      hl__snprintf_c(d, sizeof d, "%g must be positive", dim[0]);
      return fail(c, HL_ERR_BAD_VALUE, w, "radius", d);
    }
  } else if (type == HL_WRAP_ELLIPSOID) {
    dim[0] = dim[1] = dim[2] = 0.05;
    TRY(get_vec(c, w, "dimensions", 3, dim));
    if (!(dim[0] > 0) || !(dim[1] > 0) || !(dim[2] > 0)) {
      hl__snprintf_c(d, sizeof d, "%g %g %g must all be positive", dim[0], dim[1], dim[2]);
      return fail(c, HL_ERR_BAD_VALUE, w, "dimensions", d);
    }
  } else {
    dim[0] = 0.01;
    dim[1] = 0.05;
    TRY(get_dbl(c, w, "inner_radius", &dim[0]));
    TRY(get_dbl(c, w, "outer_radius", &dim[1]));
    if (!(dim[0] > 0) || !(dim[1] > dim[0])) {
      hl__snprintf_c(d, sizeof d, "inner %g and outer %g: need 0 < inner_radius < outer_radius", dim[0], dim[1]);
      return fail(c, HL_ERR_BAD_VALUE, w, "inner_radius/outer_radius", d);
    }
  }
  return HL_OK;
}

static hl_status read_wraps(ctx *c, xmlNodePtr bn, int b) {
  xmlNodePtr objs = hl__xml_child(hl__xml_child(bn, "WrapObjectSet"), "objects");
  hl_model *m = c->m;
  for (xmlNodePtr w = first_elem(objs); w; w = next_elem(w)) {
    int type = -1;
    for (int k = 0; k < 4; k++)
      if (hl__xml_is(w, wrap_tags[k])) type = k;
    if (type < 0) return fail(c, HL_ERR_UNSUPPORTED, w, "wrap object type not supported", NULL);
    char nm[HL_NAME_MAX], q[64] = "Unassigned";
    TRY(attr_name(c, w, nm));
    int i = hl__model_add_wrap(m, nm, b);
    if (i < 0) return hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
    m->wrap_type[i] = type;
    double e[3] = {0, 0, 0};
    TRY(get_bool(c, w, "active", &m->wrap_active[i]));
    TRY(get_vec(c, w, "xyz_body_rotation", 3, e));
    TRY(get_vec(c, w, "translation", 3, m->wrap_p + 3 * i));
    euler_xyz(e, m->wrap_R + 9 * i);
    if (prop(c, w, "quadrant")) get_str(c, w, "quadrant", q, sizeof q);
    if (!parse_quadrant(q, &m->wrap_quad_axis[i], &m->wrap_quad_sign[i]))
      return fail(c, HL_ERR_PARSE, w, "quadrant",
                  "unknown value (OpenSim accepts all, x, +x, -x, y, +y, -y, z, +z, -z)");
    TRY(read_wrap_dims(c, w, type, m->wrap_dim + 3 * i));
  }
  return HL_OK;
}

/* Wrap objects on offset frames are not read: refuse a model that has any. */
static hl_status no_frame_wraps(ctx *c, xmlNodePtr scope) {
  for (xmlNodePtr k = first_elem(scope); k; k = next_elem(k)) {
    if (hl__xml_is(k, "PhysicalOffsetFrame") &&
        first_elem(hl__xml_child(hl__xml_child(k, "WrapObjectSet"), "objects")))
      return fail(c, HL_ERR_UNSUPPORTED, k, "wrap objects on an offset frame are not supported",
                  "attach them to the body");
    TRY(no_frame_wraps(c, k));
  }
  return HL_OK;
}

/* A muscle's PathWrapSet (MuscleWrapSet in 1.x/2.x files). */
static xmlNodePtr path_set(ctx *c, xmlNodePtr mus, int which);

static hl_status read_path_wraps(ctx *c, xmlNodePtr mus, int mi) {
  hl_model *m = c->m;
  xmlNodePtr set = path_set(c, mus, 1);
  int npt = m->mus_path_num[mi];
  for (xmlNodePtr w = first_elem(set); w; w = next_elem(w)) {
    if (!hl__xml_is(w, "PathWrap") && !hl__xml_is(w, "MuscleWrap"))
      return fail(c, HL_ERR_UNSUPPORTED, w, "path wrap type not supported", NULL);
    char on[TXT_MAX], meth[64] = "hybrid", d[TXT_MAX + 160];
    get_str(c, w, "wrap_object", on, sizeof on);
    int obj = -1;
    for (int k = 0; k < m->nwrap && obj < 0; k++)
      if (!strcmp(m->wrap_name[k], on)) obj = k; /* the first frame holding it, as OpenSim */
    if (obj < 0) {
      snprintf(d, sizeof d, "'%.200s' is not a wrap object of any body", on);
      return fail(c, HL_ERR_NOT_FOUND, w, "wrap_object", d);
    }
    if (prop(c, w, "method")) get_str(c, w, "method", meth, sizeof meth);
    int method = -1;
    if (!strcmp(meth, "hybrid") || !strcmp(meth, "Hybrid") || !strcmp(meth, "HYBRID") || !strcmp(meth, "Unassigned")) method = HL_WRAP_HYBRID;
    else if (!strcmp(meth, "midpoint") || !strcmp(meth, "Midpoint") || !strcmp(meth, "MIDPOINT")) method = HL_WRAP_MIDPOINT;
    else if (!strcmp(meth, "axial") || !strcmp(meth, "Axial") || !strcmp(meth, "AXIAL")) method = HL_WRAP_AXIAL;
    if (method < 0) return fail(c, HL_ERR_PARSE, w, "method", "unknown value (hybrid, midpoint or axial)");
    double r[2] = {-1, -1};
    TRY(get_vec(c, w, "range", 2, r));
    if (r[0] != floor(r[0]) || r[1] != floor(r[1]))
      return fail(c, HL_ERR_BAD_VALUE, w, "range", "expected two whole numbers");
    int lo = r[0] < 1 ? 0 : (int)fmin(r[0], 1e9) - 1, hi = r[1] < 1 ? npt - 1 : (int)fmin(r[1], 1e9) - 1;
    if (lo >= npt || hi >= npt || lo > hi) {
      hl__snprintf_c(d, sizeof d, "%g %g is outside the path's %d points (1-based, -1 for the first or last point)", r[0], r[1], npt);
      return fail(c, HL_ERR_BAD_VALUE, w, "range", d);
    }
    int i = hl__model_add_pathwrap(m, mi);
    if (i < 0) return hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
    m->pw_wrap[i] = obj;
    m->pw_method[i] = method;
    m->pw_range[2 * i] = lo;
    m->pw_range[2 * i + 1] = hi;
  }
  return HL_OK;
}

/* ------------------------------------------------------------------ constraints (issue 16) */

/* One CoordinateCouplerConstraint: q_dep = scale_factor · f(q_ind). */
static hl_status read_coupler(ctx *c, xmlNodePtr k) {
  hl_model *m = c->m;
  char ind[TXT_MAX], dep[TXT_MAX], nm[HL_NAME_MAX];
  get_str(c, k, "independent_coordinate_names", ind, sizeof ind);
  get_str(c, k, "dependent_coordinate_name", dep, sizeof dep);
  char *save = NULL, *tok = strtok_r(ind, " \t\r\n", &save);
  if (!tok) return fail(c, HL_ERR_PARSE, k, "independent_coordinate_names", "empty");
  int qi, qd;
  TRY(coord_ref(c, k, tok, &qi));
  if (strtok_r(NULL, " \t\r\n", &save))
    return fail(c, HL_ERR_UNSUPPORTED, k, "independent_coordinate_names",
                "a coupler of several independent coordinates is not supported");
  TRY(coord_ref(c, k, dep, &qd));
  if (qd == qi) return fail(c, HL_ERR_BAD_VALUE, k, "dependent_coordinate_name", "is also the independent coordinate");
  for (int j = 0; j < m->ncoupler; j++)
    if (m->cpl_dep[j] == qd || m->cpl_dep[j] == qi || m->cpl_ind[j] == qd)
      return fail(c, HL_ERR_UNSUPPORTED, k, "coordinates",
                  "a coordinate driven by two couplers, or a chain of couplers, is not supported");
  xmlNodePtr fe = function_elem(hl__xml_child(k, "coupled_coordinates_function"));
  if (!fe) return fail(c, HL_ERR_PARSE, k, "coupled_coordinates_function", "missing");
  int f;
  TRY(parse_function(c, fe, &f, NULL));
  double scale = 1.0;
  TRY(get_dbl(c, k, "scale_factor", &scale));
  if (scale != 1.0) f = hl__model_add_func(m, HL_FUNC_MULTIPLIER, 0, NULL, f, scale);
  TRY(attr_name(c, k, nm));
  int i = hl__model_add_coupler(m, nm);
  if (i < 0 || f < 0) return hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
  m->cpl_dep[i] = qd;
  m->cpl_ind[i] = qi;
  m->cpl_func[i] = f;
  m->coord_coupler[qd] = i;
  return HL_OK;
}

static hl_status read_constraints(ctx *c) {
  xmlNodePtr cs = hl__xml_child(hl__xml_child(c->model, "ConstraintSet"), "objects");
  for (xmlNodePtr k = first_elem(cs); k; k = next_elem(k)) {
    int on = 1;
    c->m->assemble_clamps = 1; /* OpenSim assembles when the set is not empty */
    if (hl__xml_child(k, "isEnforced")) TRY(get_bool(c, k, "isEnforced", &on));
    if (hl__xml_child(k, "isDisabled")) {
      int dis = 0;
      TRY(get_bool(c, k, "isDisabled", &dis));
      on = !dis;
    }
    c->m->nconstraint += on;
    if (on && hl__xml_is(k, "CoordinateCouplerConstraint")) TRY(read_coupler(c, k));
  }
  return HL_OK;
}

static hl_status build_skeleton(ctx *c) {
  hl_model *m = c->m;
  xmlNodePtr bodyset = hl__xml_child(hl__xml_child(c->model, "BodySet"), "objects");
  xmlNodePtr ground = hl__xml_child(c->model, "Ground");
  TRY(add_raw_body(c, ground, "ground"));
  for (xmlNodePtr bn = first_elem(bodyset); bn; bn = next_elem(bn)) {
    if (!hl__xml_is(bn, "Body")) return fail(c, HL_ERR_UNSUPPORTED, bn, "body type not supported", NULL);
    char nm[HL_NAME_MAX];
    TRY(attr_name(c, bn, nm));
    if (strcmp(nm, "ground") == 0) {
      c->body_nodes[0] = bn;
      continue;
    }
    if (raw_body(c, nm) >= 0) return fail(c, HL_ERR_PARSE, bn, "duplicate body name", NULL);
    TRY(add_raw_body(c, bn, nm));
  }
  xmlNodePtr jointset = hl__xml_child(hl__xml_child(c->model, "JointSet"), "objects");
  if (jointset) TRY(collect_jointset(c, jointset));
  for (int i = 1; i < c->nraw; i++) {
    xmlNodePtr jw = hl__xml_child(c->body_nodes[i], "Joint");
    if (jw && first_elem(jw)) {
      if (!is_joint_like(first_elem(jw)))
        return fail(c, HL_ERR_UNSUPPORTED, first_elem(jw), "joint type not supported", NULL);
      TRY(collect_nested_joint(c, i));
    }
  }
  /* order: ground, then repeatedly every joint whose parent is placed (BFS keeps file order) */
  int *placed = malloc(sizeof(int) * (size_t)c->nraw), *jdone = calloc((size_t)c->njraw + 1, sizeof(int));
  int *newidx = malloc(sizeof(int) * (size_t)c->nraw);
  if (!placed || !jdone || !newidx) {
    free(placed); free(jdone); free(newidx);
    return hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
  }
  for (int i = 0; i < c->nraw; i++) newidx[i] = -1;
  hl_status st = HL_OK;
  int b0 = hl__model_add_body(m, "ground");
  newidx[0] = b0;
  placed[0] = 0;
  int nplaced = 1;
  for (int progress = 1; progress && st == HL_OK;) {
    progress = 0;
    for (int k = 0; k < c->njraw && st == HL_OK; k++) {
      joint_rec *r = &c->joints[k];
      if (jdone[k] || newidx[r->parent] < 0) continue;
      jdone[k] = 1;
      progress = 1;
      if (r->child == 0 || newidx[r->child] >= 0) {
        st = fail(c, HL_ERR_UNSUPPORTED, r->node, "joint closes a kinematic loop (or its child is ground)", NULL);
        break;
      }
      char jn[HL_NAME_MAX];
      if ((st = attr_name(c, r->node, jn)) != HL_OK) break;
      int b = hl__model_add_body(m, c->body_names[r->child]);
      int j = hl__model_add_joint(m, jn);
      if (b < 0 || j < 0) {
        st = hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
        break;
      }
      newidx[r->child] = b;
      placed[nplaced++] = r->child;
      m->body_parent[b] = newidx[r->parent];
      m->body_joint[b] = j;
      m->jnt_type[j] = (hl_joint_type)joint_type(r->node);
      m->jnt_parent[j] = newidx[r->parent];
      m->jnt_child[j] = b;
      memcpy(m->jnt_parent_R + 9 * j, r->pR, sizeof r->pR);
      memcpy(m->jnt_parent_p + 3 * j, r->pp, sizeof r->pp);
      memcpy(m->jnt_child_R + 9 * j, r->cR, sizeof r->cR);
      memcpy(m->jnt_child_p + 3 * j, r->cp, sizeof r->cp);
      if ((st = read_inertia(c, c->body_nodes[r->child], b)) != HL_OK) break;
    }
  }
  for (int i = 1; i < c->nraw && st == HL_OK; i++)
    if (newidx[i] < 0) st = fail(c, HL_ERR_PARSE, c->body_nodes[i], "body is not connected to ground by joints", NULL);
  for (int k = 0; k < c->njraw && st == HL_OK; k++)
    if (!jdone[k]) st = fail(c, HL_ERR_PARSE, c->joints[k].node, "joint's parent is not connected to ground", NULL);
  /* coordinates and axes in joint order */
  for (int j = 0; j < m->njoint && st == HL_OK; j++) {
    int k;
    for (k = 0; k < c->njraw; k++)
      if (newidx[c->joints[k].child] == m->jnt_child[j]) break;
    int expl = 0;
    st = read_coords(c, c->joints[k].node, j, &expl);
    if (st == HL_OK) st = build_axes(c, c->joints[k].node, j);
  }
  for (int q = 0; q < m->ncoord; q++) {
    if (m->coord_rotational[q] == 2) m->coord_rotational[q] = 0;
    if (m->coord_rotational[q] < 0) m->coord_rotational[q] = 1; /* unused coordinate */
  }
  for (int i = 0; i < c->nraw && st == HL_OK; i++)
    if (c->body_nodes[i] && newidx[i] >= 0) st = read_wraps(c, c->body_nodes[i], newidx[i]);
  free(placed);
  free(jdone);
  free(newidx);
  return st;
}

/* ------------------------------------------------------------------ forces */

/* Body of a path point / actuator given by name or 4.0 frame path; local point converted from
 * the frame into the body. */
static hl_status body_of(ctx *c, xmlNodePtr owner, const char *ref, int *b, double R[9], double p[3]) {
  int raw;
  if (!ref[0]) return fail(c, HL_ERR_PARSE, owner, "no body or frame given", NULL);
  TRY(resolve_frame(c, owner, NULL, ref, 0, &raw, R, p));
  *b = hl_model_body(c->m, c->body_names[raw]);
  if (*b < 0) return fail(c, HL_ERR_NOT_FOUND, owner, "body not in the model", ref);
  return HL_OK;
}

static hl_status coord_ref(ctx *c, xmlNodePtr owner, const char *ref, int *q) {
  *q = hl_model_coord(c->m, last_seg(ref));
  if (*q < 0) return fail(c, HL_ERR_NOT_FOUND, owner, "coordinate not in the model", ref);
  return HL_OK;
}

/* The <objects> of a muscle's path point set (which = 0) or wrap set (1). Documents up to 20301
 * name them MusclePointSet / MuscleWrapSet, inside GeometryPath or directly in the muscle
 * (OpenSim's Muscle::updateFromXMLNode moves them into a GeometryPath). */
static xmlNodePtr path_set(ctx *c, xmlNodePtr mus, int which) {
  const char *now = which ? "PathWrapSet" : "PathPointSet";
  const char *old = which ? "MuscleWrapSet" : "MusclePointSet";
  xmlNodePtr gp = hl__xml_child(mus, "GeometryPath");
  xmlNodePtr set = hl__xml_child(gp, now);
  if (!set && doc_version(c) <= 20301) {
    set = hl__xml_child(gp, old);
    if (!set && !gp) set = hl__xml_child(mus, old);
  }
  return hl__xml_child(set, "objects");
}

static hl_status read_path(ctx *c, xmlNodePtr mus, int mi) {
  hl_model *m = c->m;
  xmlNodePtr pts = path_set(c, mus, 0);
  m->mus_path_adr[mi] = m->npathpt;
  for (xmlNodePtr pn = first_elem(pts); pn; pn = next_elem(pn)) {
    /* MusclePoint, MuscleViaPoint and MovingMusclePoint are the old names OpenSim renames */
    int type = hl__xml_is(pn, "PathPoint") || hl__xml_is(pn, "MusclePoint") ? 0
               : hl__xml_is(pn, "ConditionalPathPoint") || hl__xml_is(pn, "MuscleViaPoint") ? 1
               : hl__xml_is(pn, "MovingPathPoint") || hl__xml_is(pn, "MovingMusclePoint") ? 2 : -1;
    if (type < 0) return fail(c, HL_ERR_UNSUPPORTED, pn, "path point type not supported", NULL);
    char ref[TXT_MAX];
    get_str(c, pn, "socket_parent_frame", ref, sizeof ref);
    if (!ref[0]) get_str(c, pn, "body", ref, sizeof ref);
    int b = -1;
    double R[9], p[3], loc[3] = {0, 0, 0};
    TRY(body_of(c, pn, ref, &b, R, p));
    TRY(get_vec(c, pn, "location", 3, loc));
    int k = hl__model_add_pathpt(m);
    if (k < 0) return hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
    m->pt_body[k] = b;
    m->pt_type[k] = type;
    matvec3(R, loc, m->pt_pos + 3 * k);
    for (int i = 0; i < 3; i++) m->pt_pos[3 * k + i] += p[i];
    if (type == 1) {
      char cr[TXT_MAX];
      get_str(c, pn, "socket_coordinate", cr, sizeof cr);
      if (!cr[0]) get_str(c, pn, "coordinate", cr, sizeof cr);
      TRY(coord_ref(c, pn, cr, &m->pt_cond_coord[k]));
      TRY(get_vec(c, pn, "range", 2, m->pt_cond_range + 2 * k));
    } else if (type == 2) {
      static const char *fn_names[3] = {"x_location", "y_location", "z_location"};
      static const char *sock[3] = {"socket_x_coordinate", "socket_y_coordinate", "socket_z_coordinate"};
      static const char *old[3] = {"x_coordinate", "y_coordinate", "z_coordinate"};
      int ident = 1;
      for (int i = 0; i < 9; i++) ident &= fabs(R[i] - (i % 4 == 0)) < 1e-12;
      ident &= p[0] == 0 && p[1] == 0 && p[2] == 0;
      if (!ident) return fail(c, HL_ERR_UNSUPPORTED, pn, "moving point on an offset frame", ref);
      for (int a = 0; a < 3; a++) {
        xmlNodePtr fn = function_elem(hl__xml_child(pn, fn_names[a]));
        if (!fn) continue; /* keeps the constant location */
        int f;
        TRY(parse_function(c, fn, &f, NULL));
        char cr[TXT_MAX];
        get_str(c, pn, sock[a], cr, sizeof cr);
        if (!cr[0]) get_str(c, pn, old[a], cr, sizeof cr);
        if (cr[0]) {
          TRY(coord_ref(c, pn, cr, &m->pt_move_coord[3 * k + a]));
          m->pt_move_func[3 * k + a] = f;
        } else {
          hl_model_function_eval(m, f, 0.0, &m->pt_pos[3 * k + a], NULL, NULL);
        }
      }
    }
  }
  m->mus_path_num[mi] = m->npathpt - m->mus_path_adr[mi];
  if (m->mus_path_num[mi] < 2) return fail(c, HL_ERR_PARSE, mus, "path has fewer than two points", NULL);
  return read_path_wraps(c, mus, mi);
}

/* A curve parameter of Millard's sub-objects: the muscle's element, then the defaults'. */
static hl_status curve_param(ctx *c, xmlNodePtr mus, const char *curve, const char *name, double *v) {
  xmlNodePtr d = hl__xml_child(defaults_for(c, mus), curve);
  if (d) TRY(get_vec(c, d, name, 1, v));
  xmlNodePtr e = hl__xml_child(mus, curve);
  if (e && hl__xml_child(e, name)) TRY(get_vec(c, e, name, 1, v));
  return HL_OK;
}

/* ------------------------------------------------------------------ OpenSim 4.6 property rules */
/* The rules OpenSim 4.6 applies to the properties that decide a number (docs/model.md, "Rules
 * that decide a number"): document-version upgrades, per-type defaults of the control bounds,
 * and the refusals of extendFinalizeFromProperties. Read from opensim-core for their semantics
 * (Muscle::updateFromXMLNode, Thelen2003Muscle, Millard2012EquilibriumMuscle,
 * DeGrooteFregly2016Muscle, MuscleFixedWidthPennationModel, MuscleFirstOrderActivationDynamic-
 * Model, Force::updateFromXMLNode); the code is ours. */


/* SimTK::isNumericallyEqual with its default tolerance (SignificantReal, relative above 1). */
static int numerically_equal(double a, double b) {
  double s = fmax(fmax(fabs(a), fabs(b)), 1.0);
  return fabs(a - b) <= s * SIGNIFICANT_REAL;
}

static hl_status add_note(ctx *c, hl_note_kind kind, const char *code, xmlNodePtr n, int force,
                          const char *msg) {
  /* a note is about an element hipload does not keep: its name never refuses the model; one too
   * long for the note's field is shortened visibly (ends in "...") */
  char nm[HL_NAME_MAX];
  xmlChar *a = n ? xmlGetProp(n, (const xmlChar *)"name") : NULL;
  size_t len = a ? strlen((const char *)a) : 0;
  if (len < HL_NAME_MAX) memcpy(nm, a ? (const char *)a : "", len + 1);
  else memcpy(nm, a, HL_NAME_MAX - 4), memcpy(nm + HL_NAME_MAX - 4, "...", 4);
  xmlFree(a);
  if (hl__model_add_note(c->m, kind, code, tag(n), nm, c->file, line_of(n), force, "%s", msg) < 0)
    return hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
  return HL_OK;
}

/* One control bound of a muscle element or of its <defaults> object, after Muscle::
 * updateFromXMLNode: in a document older than 30513 a min_control numerically equal to 0 (a
 * max_control equal to 1) is removed, so the type's default applies — old files wrote 0 for
 * muscles whose minimum activation was silently clamped. 1 when the element sets the bound. */
static int control_of(ctx *c, xmlNodePtr obj, const char *name, double drop, double *v, int *dropped) {
  xmlNodePtr e = hl__xml_child(obj, name);
  if (!e) return 0;
  char buf[256];
  double x;
  hl__xml_text(e, buf, sizeof buf);
  if (parse_doubles(buf, &x, 1) != 1) return -1;
  if (doc_version(c) < VERSION_NO_SILENT_CLAMP && numerically_equal(x, drop)) {
    *dropped = 1;
    return 0;
  }
  *v = x;
  return 1;
}

/* min_control (which = 0) or max_control (1) of muscle fn: the element, else its type's
 * <defaults> object (both after the version upgrade), else the type's constructor default. */
static hl_status muscle_control(ctx *c, xmlNodePtr fn, int which, double def, double *v,
                                const char **from) {
  const char *name = which ? "max_control" : "min_control";
  double drop = which ? 1.0 : 0.0;
  int dropped = 0;
  *v = def;
  *from = "the type's default";
  int r = control_of(c, fn, name, drop, v, &dropped);
  if (r == 0) {
    r = control_of(c, defaults_for(c, fn), name, drop, v, &dropped);
    if (r > 0) *from = "<defaults>";
  } else if (r > 0) {
    *from = "the file";
  }
  if (r < 0) return fail(c, HL_ERR_PARSE, fn, name, "not a number");
  if (dropped && *v != drop) {
    char msg[256];
    hl__snprintf_c(msg, sizeof msg, "%s %g of a version-%d file dropped as OpenSim 4.6 does (document "
             "versions before 30513); the bound is %g (%s)", name, drop, doc_version(c), *v, *from);
    TRY(add_note(c, HL_NOTE_AS_OPENSIM, which ? "max_control_upgraded" : "min_control_upgraded",
                 fn, 1, msg));
  }
  return HL_OK;
}

/* A refusal OpenSim makes when it finalizes the model: BAD_VALUE naming the property, the value
 * and OpenSim's own words. */
static hl_status refuse(ctx *c, xmlNodePtr fn, const char *prop_name, double v, const char *why,
                        const char *opensim) {
  char d[512];
  hl__snprintf_c(d, sizeof d, "%.10g %s; OpenSim 4.6 refuses the model (\"%s\")", v, why, opensim);
  return fail(c, HL_ERR_BAD_VALUE, fn, prop_name, d);
}

/* MuscleFirstOrderActivationDynamicModel: minimum_activation in [0, 1), time constants > 0. */
static hl_status activation_model_rules(ctx *c, xmlNodePtr fn, double min_act, double tau_a,
                                        double tau_d) {
  TRY(get_dbl(c, fn, "activation_time_constant", &tau_a));
  TRY(get_dbl(c, fn, "deactivation_time_constant", &tau_d));
  if (!(tau_a >= SIGNIFICANT_REAL))
    return refuse(c, fn, "activation_time_constant", tau_a, "is not above zero",
                  "Activation time constant must be greater than zero");
  if (!(tau_d >= SIGNIFICANT_REAL))
    return refuse(c, fn, "deactivation_time_constant", tau_d, "is not above zero",
                  "Deactivation time constant must be greater than zero");
  if (!(min_act >= 0 && min_act <= 1.0 - SIGNIFICANT_REAL))
    return refuse(c, fn, "minimum_activation", min_act, "is outside [0, 1)",
                  "minimum_activation must lie in [0, 1)");
  return HL_OK;
}

/* MuscleFixedWidthPennationModel: pennation at optimal in [0, pi/2), maximum in [0, pi/2]. A
 * maximum of 0 (OpenSim: no pennation limit, minimum fibre length 1 % of optimal) is refused
 * as unsupported: the curve code reads 0 as "the default". */
static hl_status pennation_rules(ctx *c, xmlNodePtr fn, double alpha0, double max_pen) {
  if (!(alpha0 >= 0 && alpha0 <= PI / 2 - SIGNIFICANT_REAL))
    return refuse(c, fn, "pennation_angle_at_optimal", alpha0, "is outside [0, pi/2)",
                  "Pennation angle at optimal fiber length must be in the range [0, Pi/2)");
  if (!(max_pen >= 0 && max_pen <= PI / 2))
    return refuse(c, fn, "maximum_pennation_angle", max_pen, "is outside [0, pi/2]",
                  "Maximum pennation angle must be in the range [0, Pi/2]");
  if (max_pen <= SIGNIFICANT_REAL)
    return fail(c, HL_ERR_UNSUPPORTED, fn, "maximum_pennation_angle",
                "0 (no pennation limit) is not supported");
  return HL_OK;
}

/* minimum_activation (default 0.01) and both control bounds of Thelen's and Millard's muscles,
 * whose constructors set min_control from minimum_activation's default 0.01 (not from the
 * file's value). *from says where min_control came from. */
static hl_status activation_bounds(ctx *c, xmlNodePtr fn, int i, double *min_act, const char **from) {
  const char *from_max;
  *min_act = 0.01;
  TRY(get_dbl(c, fn, "minimum_activation", min_act));
  TRY(muscle_control(c, fn, 0, 0.01, &c->m->mus_min_control[i], from));
  return muscle_control(c, fn, 1, 1.0, &c->m->mus_max_control[i], &from_max);
}

/* "Minimum control cannot be less than minimum activation" */
static hl_status min_control_rule(ctx *c, xmlNodePtr fn, int i, double min_act, const char *from) {
  if (!(c->m->mus_min_control[i] < min_act)) return HL_OK;
  char why[160];
  hl__snprintf_c(why, sizeof why, "(from %s) is below minimum_activation %g", from, min_act);
  return refuse(c, fn, "min_control", c->m->mus_min_control[i], why,
                "Minimum control cannot be less than minimum activation");
}

/* Thelen2003Muscle: minimum_activation (default 0.01, at least 0.01), min_control default 0.01
 * (the constructor sets it from minimum_activation's default, not from the file's value) and
 * never below minimum_activation; the curve parameters' ranges; fv_linear_extrap_threshold and
 * maximum_pennation_angle into mus_curve[7], [8]. */
static hl_status thelen_rules(ctx *c, xmlNodePtr fn, int i, double *k) {
  hl_model *m = c->m;
  k[7] = 0.95;
  k[8] = acos(0.1);
  TRY(get_dbl(c, fn, "fv_linear_extrap_threshold", &k[7]));
  TRY(get_dbl(c, fn, "maximum_pennation_angle", &k[8]));
  static const char *pos[5] = {"KshapeActive", "KshapePassive", "Af", "FmaxTendonStrain",
                               "FmaxMuscleStrain"};
  const int at[5] = {0, 1, 2, 4, 5};
  char said[96];
  for (int a = 0; a < 5; a++)
    if (!(k[at[a]] > 0)) {
      snprintf(said, sizeof said, "%s must be greater than zero", pos[a]);
      return refuse(c, fn, pos[a], k[at[a]], "is not above zero", said);
    }
  if (!(k[3] > 1.0)) return refuse(c, fn, "Flen", k[3], "is not above 1", "Flen must be greater than 1.0");
  if (!(k[7] > 1.0 / k[3]))
    return refuse(c, fn, "fv_linear_extrap_threshold", k[7], "is not above 1/Flen",
                  "F-v extrapolation threshold must be greater than 1.0/Flen");
  TRY(pennation_rules(c, fn, m->mus_alpha0[i], k[8]));
  double min_act;
  const char *from;
  TRY(activation_bounds(c, fn, i, &min_act, &from));
  if (!(min_act >= 0.01))
    return refuse(c, fn, "minimum_activation", min_act, "is below 0.01",
                  "Minimum activation cannot be less than 0.01");
  TRY(min_control_rule(c, fn, i, min_act, from));
  return activation_model_rules(c, fn, min_act, 0.015, 0.050);
}

/* Millard2012EquilibriumMuscle: minimum_activation default 0.01, min_control default 0.01 (as
 * Thelen). The classic Hill model (compliant tendon without fibre damping) needs
 * minimum_activation >= 0.01; otherwise (damped, or rigid tendon) a minimum_activation above 1
 * is clamped to 1 and one below 0 refused; min_control never below minimum_activation.
 * maximum_pennation_angle into mus_curve[14], ignore_tendon_compliance into [15]. */
static hl_status millard_rules(ctx *c, xmlNodePtr fn, int i, double *k) {
  hl_model *m = c->m;
  int itc = 0, iad = 0;
  k[14] = acos(0.1);
  TRY(get_dbl(c, fn, "maximum_pennation_angle", &k[14]));
  TRY(get_bool(c, fn, "ignore_tendon_compliance", &itc));
  TRY(get_bool(c, fn, "ignore_activation_dynamics", &iad));
  k[15] = itc;
  if (k[13] < 0.001) k[13] = 0.0; /* fibre damping below 0.001 is switched off */
  TRY(pennation_rules(c, fn, m->mus_alpha0[i], k[14]));
  double min_act;
  const char *from;
  TRY(activation_bounds(c, fn, i, &min_act, &from));
  if (!itc && k[13] == 0.0) {
    if (!(min_act >= 0.01))
      return refuse(c, fn, "minimum_activation", min_act,
                    "is below 0.01 with an elastic tendon and no fibre damping",
                    "Minimum activation cannot be less than 0.01 when using the classic Hill "
                    "model with an elastic tendon");
  } else {
    if (min_act > 1.0) min_act = 1.0;
    if (!(min_act >= 0))
      return refuse(c, fn, "minimum_activation", min_act, "is below zero",
                    "Minimum activation cannot be less than zero");
  }
  TRY(min_control_rule(c, fn, i, min_act, from));
  return iad ? HL_OK : activation_model_rules(c, fn, min_act, 0.010, 0.040);
}

/* DeGrooteFregly2016Muscle: Muscle's control bounds [0, 1]; active_force_width_scale (>= 1)
 * into mus_curve[0]; an optimal_force given in the file is refused (OpenSim: "The optimal_force
 * property is ignored for this Force"), as are the other out-of-range properties
 * extendFinalizeFromProperties checks. */
static hl_status degroote_rules(ctx *c, xmlNodePtr fn, int i, double *k) {
  hl_model *m = c->m;
  if (prop(c, fn, "optimal_force"))
    return fail(c, HL_ERR_BAD_VALUE, fn, "optimal_force",
                "given; OpenSim 4.6 refuses the model (\"The optimal_force property is ignored for "
                "this Force; use max_isometric_force instead.\")");
  static const char *nm[7] = {"active_force_width_scale", "fiber_damping",
                              "passive_fiber_strain_at_one_norm_force",
                              "tendon_strain_at_one_norm_force", "activation_time_constant",
                              "deactivation_time_constant", "default_activation"};
  double v[8] = {1.0, 0.0, 0.6, 0.049, 0.015, 0.060, 0.5, 0.5};
  for (int a = 0; a < 7; a++) TRY(get_dbl(c, fn, nm[a], &v[a]));
  TRY(get_dbl(c, fn, "default_normalized_tendon_force", &v[7]));
  if (!(v[0] >= 1)) return refuse(c, fn, nm[0], v[0], "is below 1", "active_force_width_scale must be greater than or equal to 1.0");
  if (!(v[1] >= 0)) return refuse(c, fn, nm[1], v[1], "is below 0", "fiber_damping must be greater than or equal to zero");
  char said[96];
  for (int a = 2; a < 7; a++)
    if (!(v[a] > 0)) {
      snprintf(said, sizeof said, "%s must be greater than zero", nm[a]);
      return refuse(c, fn, nm[a], v[a], "is not above zero", said);
    }
  if (!(v[7] >= 0 && v[7] <= 5))
    return refuse(c, fn, "default_normalized_tendon_force", v[7], "is outside [0, 5]",
                  "default_normalized_tendon_force must lie in [0, 5]");
  double a0 = m->mus_alpha0[i];
  if (!(a0 >= 0 && a0 <= PI / 2 - SIGNIFICANT_REAL))
    return refuse(c, fn, "pennation_angle_at_optimal", a0, "is outside [0, pi/2)",
                  "Pennation angle at optimal fiber length must be in the range [0, Pi/2).");
  k[0] = v[0];
  const char *from[2];
  TRY(muscle_control(c, fn, 0, 0.0, &m->mus_min_control[i], &from[0]));
  return muscle_control(c, fn, 1, 1.0, &m->mus_max_control[i], &from[1]);
}

/* A muscle type without curves in hipload: Muscle's bounds [0, 1] and a note that refuses runs
 * (its static-optimization force is not OpenSim's, and its type may set other bounds). */
static hl_status other_muscle_rules(ctx *c, xmlNodePtr fn, int i) {
  const char *from[2];
  TRY(muscle_control(c, fn, 0, 0.0, &c->m->mus_min_control[i], &from[0]));
  TRY(muscle_control(c, fn, 1, 1.0, &c->m->mus_max_control[i], &from[1]));
  char msg[256];
  snprintf(msg, sizeof msg, "muscle type %.40s is not modelled: hipload has no force-length-"
           "velocity curves or control bounds for it (Thelen2003Muscle, Millard2012Equilibrium"
           "Muscle and DeGrooteFregly2016Muscle are)", tag(fn));
  return add_note(c, HL_NOTE_UNSUPPORTED, "muscle_curves_unknown", fn, 1, msg);
}

/* Whether a force element applies force: appliesForce (documents from 30509 on); older
 * documents say isDisabled, which OpenSim turns into appliesForce = !isDisabled. */
static hl_status force_enabled(ctx *c, xmlNodePtr fn, int *enabled) {
  *enabled = 1;
  if (doc_version(c) < VERSION_APPLIES_FORCE && prop(c, fn, "isDisabled")) {
    int dis = 0;
    TRY(get_bool(c, fn, "isDisabled", &dis));
    *enabled = !dis;
    return HL_OK;
  }
  return get_bool(c, fn, "appliesForce", enabled);
}

/* A ForceSet element hipload does not model: a note. An unknown actuator changes static
 * optimization's unknowns (refused); any other force changes what the muscles must carry
 * (warning). */
static hl_status note_skipped_force(ctx *c, xmlNodePtr fn, int disabled) {
  c->m->nforce_skipped++;
  char msg[256];
  if (disabled) {
    snprintf(msg, sizeof msg, "disabled (appliesForce false): left out, as OpenSim does");
    return add_note(c, HL_NOTE_AS_OPENSIM, "force_disabled", fn, 1, msg);
  }
  if (strstr(tag(fn), "Actuator")) {
    snprintf(msg, sizeof msg, "actuator type %.40s is not modelled: OpenSim's static optimization "
             "would give it a control of its own", tag(fn));
    return add_note(c, HL_NOTE_UNSUPPORTED, "actuator_not_modelled", fn, 1, msg);
  }
  snprintf(msg, sizeof msg, "force type %.40s is not modelled: OpenSim applies it in inverse "
           "dynamics and static optimization, hipload leaves it out", tag(fn));
  return add_note(c, HL_NOTE_IGNORED, "force_not_modelled", fn, 1, msg);
}

/* Coordinate rules: a prescribed coordinate (prescribed = true) follows its prescribed_function
 * in OpenSim and is left out of static optimization's equations; hipload refuses it. */
static hl_status coordinate_rules(ctx *c, xmlNodePtr cn) {
  int presc = 0;
  TRY(get_bool(c, cn, "prescribed", &presc));
  if (!presc) return HL_OK;
  return add_note(c, HL_NOTE_UNSUPPORTED, "coordinate_prescribed", cn, 0,
                  "prescribed coordinate (prescribed_function) is not supported");
}

/* Elements of the model's <components> list (4.0) and ComponentSet (3.x): hipload reads only the
 * offset frames among them (socket targets); anything else — a force, a controller, a bushing —
 * is named in a warning, since OpenSim adds it to the model. */
static hl_status note_components(ctx *c) {
  xmlNodePtr lists[2] = {hl__xml_child(c->model, "components"),
                         hl__xml_child(hl__xml_child(c->model, "ComponentSet"), "objects")};
  for (int l = 0; l < 2; l++)
    for (xmlNodePtr k = first_elem(lists[l]); k; k = next_elem(k)) {
      if (hl__xml_is(k, "PhysicalOffsetFrame") || hl__xml_is(k, "Marker") || hl__xml_is(k, "Station"))
        continue;
      char msg[256];
      snprintf(msg, sizeof msg, "model component %.40s is not read: whatever it adds to the model "
               "in OpenSim (a force, a constraint) is missing here", tag(k));
      TRY(add_note(c, HL_NOTE_IGNORED, "component_not_read", k, 0, msg));
    }
  return HL_OK;
}

/* Every enabled constraint of the ConstraintSet: a warning (hipload does not enforce it). */
static hl_status note_constraints(ctx *c) {
  xmlNodePtr cs = hl__xml_child(hl__xml_child(c->model, "ConstraintSet"), "objects");
  for (xmlNodePtr k = first_elem(cs); k; k = next_elem(k)) {
    int on = 1;
    if (doc_version(c) < VERSION_APPLIES_FORCE && prop(c, k, "isDisabled")) {
      TRY(get_bool(c, k, "isDisabled", &on));
      on = !on;
    } else {
      TRY(get_bool(c, k, "isEnforced", &on));
    }
    if (!on || hl__xml_is(k, "CoordinateCouplerConstraint")) continue; /* enforced: read_constraints */
    char msg[256];
    snprintf(msg, sizeof msg, "constraint type %.40s is not enforced: the coordinates it couples "
             "are taken from the motion as they are", tag(k));
    TRY(add_note(c, HL_NOTE_IGNORED, "constraint_not_enforced", k, 0, msg));
  }
  return HL_OK;
}

static hl_status read_muscle(ctx *c, xmlNodePtr fn, hl_muscle_type type) {
  hl_model *m = c->m;
  char nm[HL_NAME_MAX];
  TRY(attr_name(c, fn, nm));
  if (hl_model_muscle(m, nm) >= 0) return fail(c, HL_ERR_PARSE, fn, "duplicate muscle name", NULL);
  int i = hl__model_add_muscle(m, nm);
  if (i < 0) return hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
  m->mus_type[i] = type;
  /* Muscle base defaults (OpenSim Muscle::constructProperties) */
  m->mus_f0[i] = 1000.0;
  m->mus_lopt[i] = 0.1;
  m->mus_lts[i] = 0.2;
  m->mus_alpha0[i] = 0.0;
  m->mus_vmax[i] = 10.0;
  TRY(get_dbl(c, fn, "max_isometric_force", &m->mus_f0[i]));
  TRY(get_dbl(c, fn, "optimal_fiber_length", &m->mus_lopt[i]));
  TRY(get_dbl(c, fn, "tendon_slack_length", &m->mus_lts[i]));
  /* 'pennation_angle' is renamed to 'pennation_angle_at_optimal' for documents up to 20301 */
  if (prop(c, fn, "pennation_angle_at_optimal") || doc_version(c) > 20301)
    TRY(get_dbl(c, fn, "pennation_angle_at_optimal", &m->mus_alpha0[i]));
  else TRY(get_dbl(c, fn, "pennation_angle", &m->mus_alpha0[i]));
  TRY(get_dbl(c, fn, "max_contraction_velocity", &m->mus_vmax[i]));
  if (!(m->mus_f0[i] >= 0) || !(m->mus_lopt[i] > 0) || !(m->mus_lts[i] >= 0))
    return fail(c, HL_ERR_BAD_VALUE, fn, "muscle parameters", "need F0 >= 0, lopt > 0, lts >= 0");
  double *k = m->mus_curve + HL_MUS_NCURVE * i;
  if (type == HL_MUSCLE_THELEN2003) {
    /* OpenSim 4 Thelen2003Muscle::constructProperties defaults */
    static const char *nm6[7] = {"KshapeActive", "KshapePassive", "Af", "Flen",
                                 "FmaxTendonStrain", "FmaxMuscleStrain", "damping"};
    const double def[7] = {0.45, 5.0, 0.25, 1.4, 0.04, 0.6, 0.0};
    for (int a = 0; a < 7; a++) {
      k[a] = def[a];
      TRY(get_dbl(c, fn, nm6[a], &k[a]));
    }
    TRY(thelen_rules(c, fn, i, k));
  } else if (type == HL_MUSCLE_DEGROOTE2016) {
    TRY(degroote_rules(c, fn, i, k));
  } else if (type == HL_MUSCLE_OTHER) {
    TRY(other_muscle_rules(c, fn, i));
  } else if (type == HL_MUSCLE_MILLARD2012) {
    /* ActiveForceLengthCurve, ForceVelocityCurve and Millard2012EquilibriumMuscle defaults */
    static const char *afl[5] = {"min_norm_active_fiber_length", "transition_norm_fiber_length",
                                 "max_norm_active_fiber_length", "shallow_ascending_slope",
                                 "minimum_value"};
    static const char *fv[8] = {"concentric_slope_at_vmax", "concentric_slope_near_vmax",
                                "isometric_slope", "eccentric_slope_at_vmax",
                                "eccentric_slope_near_vmax", "max_eccentric_velocity_force_multiplier",
                                "concentric_curviness", "eccentric_curviness"};
    const double dafl[5] = {0.47 - 0.0259, 0.73, 1.8123, 0.8616, 0.1};
    const double dfv[8] = {0.0, 0.25, 5.0, 0.0, 0.15, 1.4, 0.6, 0.9};
    for (int a = 0; a < 5; a++) {
      k[a] = dafl[a];
      TRY(curve_param(c, fn, "ActiveForceLengthCurve", afl[a], &k[a]));
    }
    for (int a = 0; a < 8; a++) {
      k[5 + a] = dfv[a];
      TRY(curve_param(c, fn, "ForceVelocityCurve", fv[a], &k[5 + a]));
    }
    k[13] = 0.1;
    TRY(get_dbl(c, fn, "fiber_damping", &k[13]));
    TRY(millard_rules(c, fn, i, k));
  }
  return read_path(c, fn, i);
}

static hl_status body_name_ref(ctx *c, xmlNodePtr fn, const char *p1, const char *p2, int *b) {
  char ref[TXT_MAX];
  get_str(c, fn, p1, ref, sizeof ref);
  if (!ref[0] && p2) get_str(c, fn, p2, ref, sizeof ref);
  *b = ref[0] ? hl_model_body(c->m, last_seg(ref)) : -1;
  if (ref[0] && *b < 0) return fail(c, HL_ERR_NOT_FOUND, fn, "body not in the model", ref);
  return HL_OK;
}

static hl_status read_actuator(ctx *c, xmlNodePtr fn, hl_actuator_type type, int legacy) {
  hl_model *m = c->m;
  char nm[HL_NAME_MAX];
  TRY(attr_name(c, fn, nm));
  int i = hl__model_add_actuator(m, nm);
  if (i < 0) return hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
  m->act_type[i] = type;
  m->act_optimal_force[i] = 1.0;
  m->act_min_control[i] = -INFINITY; /* Actuator_ defaults */
  m->act_max_control[i] = INFINITY;
  TRY(get_dbl(c, fn, "optimal_force", &m->act_optimal_force[i]));
  TRY(get_dbl(c, fn, "min_control", &m->act_min_control[i]));
  TRY(get_dbl(c, fn, "max_control", &m->act_max_control[i]));
  double *dir = m->act_direction + 3 * i;
  if (type == HL_ACT_COORDINATE) {
    char cr[TXT_MAX];
    get_str(c, fn, "coordinate", cr, sizeof cr);
    if (!cr[0]) get_str(c, fn, "socket_coordinate", cr, sizeof cr);
    TRY(coord_ref(c, fn, cr, &m->act_coord[i]));
  } else if (type == HL_ACT_POINT && !legacy) {
    TRY(body_name_ref(c, fn, "body", "socket_body", &m->act_body[i]));
    if (m->act_body[i] < 0) return fail(c, HL_ERR_PARSE, fn, "body", "missing");
    dir[0] = 1.0;
    TRY(get_vec(c, fn, "point", 3, m->act_point + 3 * i));
    TRY(get_vec(c, fn, "direction", 3, dir));
    TRY(get_bool(c, fn, "point_is_global", &m->act_point_global[i]));
    TRY(get_bool(c, fn, "force_is_global", &m->act_dir_global[i]));
  } else if (type == HL_ACT_TORQUE && !legacy) {
    TRY(body_name_ref(c, fn, "bodyA", "socket_bodyA", &m->act_body[i]));
    TRY(body_name_ref(c, fn, "bodyB", "socket_bodyB", &m->act_body_b[i]));
    if (m->act_body[i] < 0) return fail(c, HL_ERR_PARSE, fn, "bodyA", "missing");
    dir[2] = 1.0; /* TorqueActuator axis default: Z (TorqueActuator::constructProperties) */
    m->act_dir_global[i] = 1; /* TorqueActuator torque_is_global default */
    TRY(get_vec(c, fn, "axis", 3, dir));
    TRY(get_bool(c, fn, "torque_is_global", &m->act_dir_global[i]));
  } else {
    /* legacy (pre-2.0) Force/Torque of an <ActuatorSet>: acts on body_B along direction_A
     * given in body_A's frame (our reading of the old classes; see docs/model.md) */
    int a, b;
    TRY(body_name_ref(c, fn, "body_A", NULL, &a));
    TRY(body_name_ref(c, fn, "body_B", NULL, &b));
    if (b < 0) return fail(c, HL_ERR_PARSE, fn, "body_B", "missing");
    dir[0] = 1.0;
    TRY(get_vec(c, fn, "direction_A", 3, dir));
    if (a > 0) return fail(c, HL_ERR_UNSUPPORTED, fn, "legacy actuator with body_A other than ground", NULL);
    m->act_body[i] = b;
    m->act_body_b[i] = a < 0 ? -1 : 0;
    m->act_dir_global[i] = 1;
    if (type == HL_ACT_POINT) TRY(get_vec(c, fn, "point_B", 3, m->act_point + 3 * i));
    /* OpenSim 4 reads these pre-1.9.5 elements as PointActuator (body = body_B, point = point_B)
     * and TorqueActuator (bodyA = body_B, bodyB = body_A), both with the direction NEGATED and
     * given in ground (PointActuator/TorqueActuator::updateFromXMLNode, version < 10905). The
     * sign matters when forces from OpenSim's output are applied (JointReaction forces_file). */
    for (int k = 0; k < 3; k++) dir[k] = -dir[k];
  }
  if (type != HL_ACT_COORDINATE) {
    double n = sqrt(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]);
    if (!(n > 0)) return fail(c, HL_ERR_BAD_VALUE, fn, "direction", "zero vector");
    for (int k = 0; k < 3; k++) dir[k] /= n;
  }
  return HL_OK;
}

static hl_status read_limit(ctx *c, xmlNodePtr fn) {
  hl_model *m = c->m;
  char nm[HL_NAME_MAX], cr[TXT_MAX];
  TRY(attr_name(c, fn, nm));
  int i = hl__model_add_limit(m, nm);
  if (i < 0) return hl_error_set(c->err, HL_ERR_NOMEM, c->file, 0, "out of memory");
  get_str(c, fn, "coordinate", cr, sizeof cr);
  TRY(coord_ref(c, fn, cr, &m->lim_coord[i]));
  static const char *names[6] = {"upper_stiffness", "upper_limit", "lower_stiffness",
                                 "lower_limit", "damping", "transition"};
  /* CoordinateLimitForce property defaults: stiffness 1, limits ±90 (deg), damping 0.001,
   * transition 0.1 (deg) */
  double v[6] = {1.0, 90.0, 1.0, -90.0, 0.001, 0.1};
  for (int k = 0; k < 6; k++) TRY(get_dbl(c, fn, names[k], &v[k]));
  /* For rotational coordinates OpenSim reads limits/transition in degrees and stiffness/damping
   * per degree (CoordinateLimitForce::extendConnectToModel scales by the degree→radian factor). */
  double w = m->coord_rotational[m->lim_coord[i]] ? PI / 180.0 : 1.0;
  double *p = m->lim_param + 7 * i;
  p[0] = v[0] / w;
  p[1] = v[1] * w;
  p[2] = v[2] / w;
  p[3] = v[3] * w;
  p[4] = v[4] / w;
  p[5] = v[5] * w;
  p[6] = 0.0;
  return HL_OK;
}

static int contains(const char *s, const char *sub) { return strstr(s, sub) != NULL; }

/* One element of a ForceSet/ActuatorSet. */
static hl_status read_force(ctx *c, xmlNodePtr fn) {
  const char *t = tag(fn);
  int enabled = 1;
  TRY(force_enabled(c, fn, &enabled));
  if (!enabled) return note_skipped_force(c, fn, 1); /* applies nothing; OpenSim leaves it out */
  if (strcmp(t, "Thelen2003Muscle") == 0) return read_muscle(c, fn, HL_MUSCLE_THELEN2003);
  if (strcmp(t, "Millard2012EquilibriumMuscle") == 0) return read_muscle(c, fn, HL_MUSCLE_MILLARD2012);
  if (strcmp(t, "DeGrooteFregly2016Muscle") == 0) return read_muscle(c, fn, HL_MUSCLE_DEGROOTE2016);
  if (contains(t, "Muscle") && (hl__xml_child(fn, "GeometryPath") || path_set(c, fn, 0)))
    return read_muscle(c, fn, HL_MUSCLE_OTHER);
  if (strcmp(t, "CoordinateActuator") == 0) return read_actuator(c, fn, HL_ACT_COORDINATE, 0);
  if (strcmp(t, "GeneralizedForce") == 0) return read_actuator(c, fn, HL_ACT_COORDINATE, 1);
  if (strcmp(t, "PointActuator") == 0) return read_actuator(c, fn, HL_ACT_POINT, 0);
  if (strcmp(t, "TorqueActuator") == 0) return read_actuator(c, fn, HL_ACT_TORQUE, 0);
  if (strcmp(t, "Force") == 0) return read_actuator(c, fn, HL_ACT_POINT, 1);
  if (strcmp(t, "Torque") == 0) return read_actuator(c, fn, HL_ACT_TORQUE, 1);
  if (strcmp(t, "CoordinateLimitForce") == 0) return read_limit(c, fn);
  return note_skipped_force(c, fn, 0); /* Ligament, PrescribedForce, SpringGeneralizedForce, ... */
}

static hl_status read_forceset(ctx *c, xmlNodePtr set) {
  for (xmlNodePtr fn = first_elem(hl__xml_child(set, "objects")); fn; fn = next_elem(fn)) TRY(read_force(c, fn));
  return HL_OK;
}

/* ------------------------------------------------------------------ documents */

static hl_status open_doc(const char *xml, size_t len, const char *path, const char *name,
                          xmlDocPtr *doc, hl_error *err) {
  *doc = NULL;
  if (path) {
    FILE *f = fopen(path, "rb");
    if (!f) return hl_error_set(err, HL_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
    fclose(f);
  }
  xmlParserCtxtPtr pc = xmlNewParserCtxt();
  if (!pc) return hl_error_set(err, HL_ERR_NOMEM, name, 0, "out of memory");
  int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES |
             XML_PARSE_NOBLANKS | XML_PARSE_COMPACT;
  if (pc->sax) pc->sax->comment = NULL; /* comments (OpenSim documents every property) stay out of the tree */
  hl__xml_quiet quiet; /* the library never prints: see xmlutil.h */
  hl__xml_quiet_begin(&quiet);
  *doc = path ? xmlCtxtReadFile(pc, path, NULL, opts)
              : xmlCtxtReadMemory(pc, xml, (int)len, name, NULL, opts);
  hl__xml_quiet_end(&quiet);
  if (!*doc) {
    const xmlError *e = xmlCtxtGetLastError(pc);
    char msg[512] = "not well-formed XML";
    int line = 0;
    if (e && e->message) {
      snprintf(msg, sizeof msg, "not well-formed XML: %s", e->message);
      size_t l = strlen(msg);
      while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' ')) msg[--l] = '\0';
      line = e->line;
    }
    xmlFreeParserCtxt(pc);
    return hl_error_set(err, HL_ERR_PARSE, name, line, "%s", msg);
  }
  xmlFreeParserCtxt(pc);
  return HL_OK;
}

/* Root data element: <OpenSimDocument Version=...><X> or <X> directly. */
static xmlNodePtr root_data(xmlDocPtr doc, int *version) {
  xmlNodePtr r = xmlDocGetRootElement(doc);
  *version = 0;
  if (hl__xml_is(r, "OpenSimDocument")) {
    xmlChar *v = xmlGetProp(r, (const xmlChar *)"Version");
    if (v) {
      *version = atoi((const char *)v);
      xmlFree(v);
    }
    r = first_elem(r);
  }
  return r;
}

static void ctx_free(ctx *c) {
  free(c->body_nodes);
  free(c->body_names);
  free(c->joints);
}

static hl_status load_doc(xmlDocPtr doc, const char *name, hl_model **out, hl_error *err) {
  ctx c;
  memset(&c, 0, sizeof c);
  c.file = name;
  c.err = err;
  c.model = root_data(doc, &c.version);
  if (!hl__xml_is(c.model, "Model"))
    return hl_error_set(err, HL_ERR_PARSE, name, line_of(c.model), "<%s>: expected an OpenSim <Model>",
                        tag(c.model));
  c.defaults = hl__xml_child(c.model, "defaults");
  c.m = hl__model_new();
  if (!c.m) return hl_error_set(err, HL_ERR_NOMEM, name, 0, "out of memory");
  c.m->format_version = c.version;
  xmlChar *a = xmlGetProp(c.model, (const xmlChar *)"name");
  size_t len = a ? strlen((const char *)a) : 0;
  hl_status st = HL_OK;
  if (len >= sizeof c.m->name) /* refused, not cut (as every name: attr_name) */
    st = hl_error_set(err, HL_ERR_UNSUPPORTED, name, line_of(c.model),
                      "<Model name=\"%s\">: the name has %zu bytes; hipload keeps model names of at most %zu",
                      (const char *)a, len, sizeof c.m->name - 1);
  else if (len) memcpy(c.m->name, a, len + 1);
  xmlFree(a);
  if (st == HL_OK) st = get_vec(&c, c.model, "gravity", 3, c.m->gravity);
  if (st == HL_OK) st = build_skeleton(&c);
  if (st == HL_OK) st = no_frame_wraps(&c, c.model);
  if (st == HL_OK) st = read_forceset(&c, hl__xml_child(c.model, "ForceSet"));
  if (st == HL_OK) st = read_constraints(&c);
  if (st == HL_OK) st = note_constraints(&c);
  if (st == HL_OK) st = note_components(&c);
  ctx_free(&c);
  if (st != HL_OK) {
    hl_model_free(c.m);
    return st;
  }
  *out = c.m;
  return HL_OK;
}

hl_status hl_model_load(const char *path, hl_model **out, hl_error *err) {
  if (out) *out = NULL;
  if (!path || !out) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_model_load: NULL argument");
  xmlDocPtr doc;
  TRY(open_doc(NULL, 0, path, path, &doc, err));
  hl_status st = load_doc(doc, path, out, err);
  xmlFreeDoc(doc);
  return st;
}

hl_status hl_model_load_memory(const char *xml, size_t len, const char *name, hl_model **out,
                               hl_error *err) {
  if (out) *out = NULL;
  if (!xml || !out || len > 0x7fffffff)
    return hl_error_set(err, HL_ERR_INVALID_ARG, name, 0, "hl_model_load_memory: bad argument");
  if (!name) name = "(memory)";
  xmlDocPtr doc;
  TRY(open_doc(xml, len, NULL, name, &doc, err));
  hl_status st = load_doc(doc, name, out, err);
  xmlFreeDoc(doc);
  return st;
}

/* Remove actuators [na0, n) whose name an earlier actuator has, and likewise limit forces. */
static void drop_duplicates(hl_model *m, int na0, int nl0) {
  int w = na0;
  for (int r = na0; r < m->nactuator; r++) {
    int dup = 0;
    for (int k = 0; k < w && !dup; k++) dup = !strcmp(m->act_name[k], m->act_name[r]);
    if (dup) continue;
    if (w != r) {
      memcpy(m->act_name[w], m->act_name[r], HL_NAME_MAX);
      m->act_type[w] = m->act_type[r];
      m->act_optimal_force[w] = m->act_optimal_force[r];
      m->act_min_control[w] = m->act_min_control[r];
      m->act_max_control[w] = m->act_max_control[r];
      m->act_coord[w] = m->act_coord[r];
      m->act_body[w] = m->act_body[r];
      m->act_body_b[w] = m->act_body_b[r];
      memcpy(m->act_point + 3 * w, m->act_point + 3 * r, 3 * sizeof(double));
      memcpy(m->act_direction + 3 * w, m->act_direction + 3 * r, 3 * sizeof(double));
      m->act_point_global[w] = m->act_point_global[r];
      m->act_dir_global[w] = m->act_dir_global[r];
    }
    w++;
  }
  m->nactuator = w;
  w = nl0;
  for (int r = nl0; r < m->nlimit; r++) {
    int dup = 0;
    for (int k = 0; k < w && !dup; k++) dup = !strcmp(m->lim_name[k], m->lim_name[r]);
    if (dup) continue;
    if (w != r) {
      memcpy(m->lim_name[w], m->lim_name[r], HL_NAME_MAX);
      m->lim_coord[w] = m->lim_coord[r];
      memcpy(m->lim_param + 7 * w, m->lim_param + 7 * r, 7 * sizeof(double));
    }
    w++;
  }
  m->nlimit = w;
}

hl_status hl_model_add_force_set(hl_model *m, const char *path, int replace, hl_error *err) {
  if (!m || !path) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_model_add_force_set: NULL argument");
  xmlDocPtr doc;
  TRY(open_doc(NULL, 0, path, path, &doc, err));
  ctx c;
  memset(&c, 0, sizeof c);
  c.file = path;
  c.err = err;
  c.m = m;
  c.model = root_data(doc, &c.version);
  hl_status st = HL_OK;
  if (!hl__xml_is(c.model, "ForceSet") && !hl__xml_is(c.model, "ActuatorSet")) {
    st = hl_error_set(err, HL_ERR_PARSE, path, line_of(c.model),
                      "<%s>: expected a <ForceSet> or <ActuatorSet>", tag(c.model));
  } else {
    c.defaults = hl__xml_child(c.model, "defaults");
    /* the body names resolve_frame looks up: the model's own bodies */
    for (int b = 0; b < m->nbody && st == HL_OK; b++) st = add_raw_body(&c, NULL, m->body_name[b]);
    if (st == HL_OK && replace) {
      /* OpenSim's replace_force_set empties the whole ForceSet (AbstractTool::updateModelForces):
       * muscles and CoordinateLimitForces go too, not only the reserve actuators. */
      m->nmuscle = m->nactuator = m->nlimit = m->npathpt = m->npathwrap = 0;
      m->nforce_skipped = 0;
      hl__model_drop_force_notes(m, 0);
    }
    int nm0 = m->nmuscle, na0 = m->nactuator, nl0 = m->nlimit, np0 = m->npathpt, ns0 = m->nforce_skipped;
    int nn0 = m->nnote;
    int nw0 = m->npathwrap;
    if (st == HL_OK) st = read_forceset(&c, c.model);
    /* OpenSim appends a force-set file without duplicate names (ForceSet::append with
     * aAllowDuplicateNames = false): an actuator or limit force whose name the model already
     * has is skipped, the model's own one stays. walk-so-spring's model carries the same
     * reserves as its force-set file; adding both would halve each reserve's control. */
    if (st == HL_OK) drop_duplicates(m, na0, nl0);
    if (st != HL_OK) { /* leave the model as it was before this file */
      m->nmuscle = nm0;
      m->nactuator = na0;
      m->nlimit = nl0;
      m->npathpt = np0;
      m->npathwrap = nw0;
      m->nforce_skipped = ns0;
      m->nnote = nn0;
    }
  }
  ctx_free(&c);
  xmlFreeDoc(doc);
  return st;
}
