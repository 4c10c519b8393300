/* SPDX-License-Identifier: Apache-2.0 */
/* AnalyzeTool setup files: see include/hipload/setup.h. Every element of the tool and of its
 * analyses is in one of the tables below: honoured, accepted because it changes nothing hipload
 * computes or writes (the reason is in the table and in docs/setup.md), or refused unless it
 * holds the value hipload can honour. Anything else is refused with its file, line and name. */
#include "xmlutil.h"
#include "number.h"
#include "hipload/setup.h"
#include "hipload/so.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef struct {
  const char *file;
  hl_error *err;
  hl_status st;
} ctx;

static int line_of(const xmlNode *n) {
  long l = n ? xmlGetLineNo(n) : 0;
  return l > 0 ? (int)l : 0;
}

/* c->st = status with the message, unless an error is already recorded. */
#define FAIL(c, status, node, ...)                                                              \
  do {                                                                                          \
    if (!(c)->st) (c)->st = hl_error_set((c)->err, status, (c)->file, line_of(node), __VA_ARGS__); \
  } while (0)

/* The trimmed text of child `name` (a new string, "" when absent). */
static char *text(ctx *c, const xmlNode *parent, const char *name) {
  char *s = hl__xml_strdup(hl__xml_child(parent, name));
  if (!s) FAIL(c, HL_ERR_NOMEM, parent, "out of memory");
  return s;
}

static double num(ctx *c, const xmlNode *parent, const char *name, double dflt) {
  xmlNode *n = hl__xml_child(parent, name);
  if (!n || c->st) return dflt;
  char *buf = text(c, parent, name);
  double v = dflt;
  if (buf && buf[0]) {
    char *end;
    if (!strcasecmp(buf, "inf") || !strcasecmp(buf, "+inf")) v = INFINITY;
    else if (!strcasecmp(buf, "-inf")) v = -INFINITY;
    else if ((v = hl__strtod(buf, &end)), end == buf || *end) {
      FAIL(c, HL_ERR_PARSE, n, "<%s> is not a number: '%s'", name, buf);
      v = dflt;
    }
  }
  free(buf);
  return v;
}

static int boolean(ctx *c, const xmlNode *parent, const char *name, int dflt) {
  xmlNode *n = hl__xml_child(parent, name);
  if (!n || c->st) return dflt;
  char *buf = text(c, parent, name);
  int v = dflt;
  if (buf && buf[0]) {
    if (!strcasecmp(buf, "true") || !strcmp(buf, "1")) v = 1;
    else if (!strcasecmp(buf, "false") || !strcmp(buf, "0")) v = 0;
    else FAIL(c, HL_ERR_PARSE, n, "<%s> must be true or false, not '%s'", name, buf);
  }
  free(buf);
  return v;
}

char *hl_setup_resolve_path(const char *dir, const char *rel) {
  rel = rel ? rel : "";
  size_t L = strlen(rel) + (dir ? strlen(dir) : 0) + 2;
  char *out = malloc(L);
  if (!out) return NULL;
  if (!rel[0] || rel[0] == '/' || rel[0] == '\\' || !dir || !dir[0]) snprintf(out, L, "%s", rel);
  else snprintf(out, L, "%s/%s", dir, rel);
  for (char *p = out; *p; p++)
    if (*p == '\\') *p = '/';
  return out;
}

/* An input path: relative to the setup file's folder (OpenSim 4); when nothing exists there but
 * the path exists relative to the working folder (how OpenSim 3 and some shipped setups resolve
 * them), that one is taken. */
static char *resolve_input(ctx *c, const char *dir, const char *rel) {
  char *out = hl_setup_resolve_path(dir, rel);
  struct stat st;
  if (out && out[0] && stat(out, &st) != 0) {
    char *cwd_rel = hl_setup_resolve_path(NULL, rel);
    if (cwd_rel && stat(cwd_rel, &st) == 0) {
      free(out);
      out = cwd_rel;
    } else free(cwd_rel);
  }
  if (!out) FAIL(c, HL_ERR_NOMEM, NULL, "out of memory");
  return out;
}

static char *path_prop(ctx *c, const xmlNode *parent, const char *name, const char *dir) {
  char *rel = text(c, parent, name);
  char *out = rel ? resolve_input(c, dir, rel) : NULL;
  free(rel);
  return out;
}

/* The whitespace-separated words of child `name`: a new array (count in *n). */
static char **words(ctx *c, const xmlNode *parent, const char *name, int *n) {
  *n = 0;
  char *buf = text(c, parent, name);
  if (!buf) return NULL;
  char **w = calloc(strlen(buf) / 2 + 2, sizeof *w);
  if (!w) FAIL(c, HL_ERR_NOMEM, parent, "out of memory");
  for (char *sv = NULL, *tok = strtok_r(buf, " \t\r\n", &sv); w && tok; tok = strtok_r(NULL, " \t\r\n", &sv))
    if (!(w[(*n)++] = strdup(tok))) FAIL(c, HL_ERR_NOMEM, parent, "out of memory");
  free(buf);
  return w;
}

static void free_words(char **w, int n) {
  for (int i = 0; w && i < n; i++) free(w[i]);
  free(w);
}

/* ------------------------------------------------------------------ what each element means */

typedef enum {
  F_USED,    /* honoured: hipload computes with it */
  F_NONE,    /* accepted: changes nothing hipload computes or writes (why: in `why`) */
  F_EMPTY,   /* honoured when empty (or "Unassigned"); anything else is refused */
} field_use;

typedef struct {
  const char *name;
  field_use use;
  const char *why; /* F_NONE: why it changes nothing; F_EMPTY: what hipload cannot do */
} field;

static const field tool_fields[] = {
    {"model_file", F_USED, NULL},
    {"replace_force_set", F_USED, NULL},
    {"force_set_files", F_USED, NULL},
    {"results_directory", F_USED, NULL},
    {"initial_time", F_USED, NULL},
    {"final_time", F_USED, NULL},
    {"AnalysisSet", F_USED, NULL},
    {"external_loads_file", F_USED, NULL},
    {"coordinates_file", F_USED, NULL},
    {"lowpass_cutoff_frequency_for_coordinates", F_USED, NULL},
    {"output_precision", F_USED, NULL}, /* checked below: hipload writes 17 significant digits */
    {"defaults", F_NONE, "OpenSim ignores it for a tool run"},
    {"solve_for_equilibrium_for_auxiliary_states", F_NONE, "no muscle state enters hipload's outputs"},
    {"maximum_number_of_integrator_steps", F_NONE, "AnalyzeTool does not integrate"},
    {"maximum_integrator_step_size", F_NONE, "AnalyzeTool does not integrate"},
    {"minimum_integrator_step_size", F_NONE, "AnalyzeTool does not integrate"},
    {"integrator_error_tolerance", F_NONE, "AnalyzeTool does not integrate"},
    {"ControllerSet", F_EMPTY, "controllers"},
    {"states_file", F_USED, NULL}, /* InducedAccelerations only: checked in hl_setup_read */
    {"speeds_file", F_EMPTY, "a speeds file (the speeds come from the coordinates' splines)"},
    {"external_loads_model_kinematics_file", F_EMPTY, "separate kinematics for the external loads"},
    {"lowpass_cutoff_frequency_for_load_kinematics", F_EMPTY, "filtering the load kinematics"},
    {NULL, F_USED, NULL}};

static const field common_fields[] = {
    {"on", F_USED, NULL},          {"start_time", F_USED, NULL}, {"end_time", F_USED, NULL},
    {"step_interval", F_USED, NULL},
    {"in_degrees", F_NONE, "none of hipload's outputs of these analyses holds an angle"},
    {NULL, F_USED, NULL}};

static const field so_fields[] = {
    {"use_model_force_set", F_USED, NULL}, /* checked: true only */
    {"activation_exponent", F_USED, NULL},
    {"use_muscle_physiology", F_USED, NULL},
    {"optimizer_convergence_criterion", F_USED, NULL},
    {"optimizer_max_iterations", F_USED, NULL},
    {NULL, F_USED, NULL}};

static const field jr_fields[] = {
    {"forces_file", F_USED, NULL},     {"joint_names", F_USED, NULL},
    {"apply_on_bodies", F_USED, NULL}, {"express_in_frame", F_USED, NULL},
    {NULL, F_USED, NULL}};

static const field ma_fields[] = {
    {"muscle_list", F_USED, NULL},
    {"moment_arm_coordinate_list", F_USED, NULL},
    {"compute_moments", F_USED, NULL}, /* true: refused by hl_analyze_run unless allow_unsupported */
    {NULL, F_USED, NULL}};

static const field ia_fields[] = {
    {"coordinate_names", F_USED, NULL},
    {"body_names", F_USED, NULL},
    {"ConstraintSet", F_USED, NULL},
    {"force_threshold", F_USED, NULL},
    {"compute_potentials_only", F_USED, NULL},
    {"report_constraint_reactions", F_USED, NULL},
    {NULL, F_USED, NULL}};

static const field contact_fields[] = {
    {"rolling_body", F_USED, NULL},         {"surface_body", F_USED, NULL},
    {"socket_rolling_body", F_USED, NULL},  {"socket_surface_body", F_USED, NULL},
    {"surface_normal", F_USED, NULL},       {"surface_height", F_USED, NULL},
    {"friction_coefficient", F_USED, NULL}, {"contact_radius", F_USED, NULL},
    {"isDisabled", F_NONE, "InducedAccelerations switches its constraints on and off by the force threshold"},
    {"isEnforced", F_NONE, "InducedAccelerations switches its constraints on and off by the force threshold"},
    {NULL, F_USED, NULL}};

static const field *find_field(const field *t, const char *name) {
  for (; t && t->name; t++)
    if (!strcmp(t->name, name)) return t;
  return NULL;
}

/* Is element n empty for hipload's purpose: no text (or "Unassigned"), no element children
 * other than empty <objects>/<groups>? */
static int empty_element(const xmlNode *n) {
  for (const xmlNode *k = n->children; k; k = k->next) {
    if (k->type != XML_ELEMENT_NODE) continue;
    if ((hl__xml_is(k, "objects") || hl__xml_is(k, "groups")) && empty_element(k)) continue;
    return 0;
  }
  char *t = hl__xml_strdup(n);
  int empty = t && (!t[0] || !strcmp(t, "Unassigned"));
  free(t);
  return empty;
}

/* Every child element of `parent` is in one of the tables (a second table may be NULL). */
static void check_fields(ctx *c, const xmlNode *parent, const field *t1, const field *t2, const char *where) {
  for (const xmlNode *n = parent->children; n && !c->st; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    const char *name = (const char *)n->name;
    const field *f = find_field(t1, name);
    if (!f) f = find_field(t2, name);
    if (!f)
      FAIL(c, HL_ERR_UNSUPPORTED, n, "<%s> of %s is not an element hipload knows; it cannot honour it", name, where);
    else if (f->use == F_EMPTY && !empty_element(n))
      FAIL(c, HL_ERR_UNSUPPORTED, n, "<%s> of %s: hipload does not support %s", name, where, f->why);
  }
}

/* ------------------------------------------------------------------------------ analyses */

static void times(ctx *c, const xmlNode *a, const hl_analyze_setup *s, hl_analysis_times *t) {
  t->on = boolean(c, a, "on", 1);
  t->start_time = num(c, a, "start_time", s->initial_time);
  t->end_time = num(c, a, "end_time", s->final_time);
  double si = num(c, a, "step_interval", 1);
  if (si < 1 || si != floor(si) || si > 1e6)
    FAIL(c, HL_ERR_BAD_VALUE, hl__xml_child(a, "step_interval"), "<step_interval> must be a positive integer, not %g", si);
  /* Cast only a checked value: after an earlier error the check above is skipped, and a huge or
   * NaN step would make the cast undefined (found by fuzz/fuzz_setup). */
  t->step_interval = si >= 1 && si <= 1e6 ? (int)si : 1;
}

static void read_so(ctx *c, const xmlNode *a, hl_analyze_setup *s) {
  check_fields(c, a, common_fields, so_fields, "StaticOptimization");
  s->has_so = 1;
  times(c, a, s, &s->so);
  if (!boolean(c, a, "use_model_force_set", 1))
    FAIL(c, HL_ERR_UNSUPPORTED, hl__xml_child(a, "use_model_force_set"),
         "<use_model_force_set>false</use_model_force_set>: hipload solves with the model's own actuators only");
  s->so_activation_exponent = num(c, a, "activation_exponent", 2);
  s->so_use_muscle_physiology = boolean(c, a, "use_muscle_physiology", 1);
  s->so_convergence = num(c, a, "optimizer_convergence_criterion", HL_SO_OPENSIM_CRITERION);
  double maxit = num(c, a, "optimizer_max_iterations", 100);
  s->so_max_iterations = maxit >= 1 && maxit <= 1e9 ? (int)maxit : 100; /* cast only in range */
  if (!(s->so_convergence > 0 && s->so_convergence < 1))
    FAIL(c, HL_ERR_BAD_VALUE, hl__xml_child(a, "optimizer_convergence_criterion"),
         "<optimizer_convergence_criterion> must be > 0 and < 1, not %g", s->so_convergence);
  if (!(maxit >= 1 && maxit <= 1e9 && maxit == floor(maxit)))
    FAIL(c, HL_ERR_BAD_VALUE, hl__xml_child(a, "optimizer_max_iterations"),
         "<optimizer_max_iterations> must be a positive integer, not %g", maxit);
  if (!(s->so_activation_exponent > 1 && s->so_activation_exponent < 100))
    FAIL(c, HL_ERR_BAD_VALUE, hl__xml_child(a, "activation_exponent"), "<activation_exponent> must be > 1, not %g",
         s->so_activation_exponent);
}

/* OpenSim: a single apply_on_bodies / express_in_frame entry applies to every joint; an empty
 * list means child / ground. */
static char **per_joint(ctx *c, const xmlNode *a, const char *name, int njoint, const char *dflt) {
  int n = 0;
  char **w = words(c, a, name, &n);
  char **out = calloc((size_t)njoint + 1, sizeof *out);
  if (!out) FAIL(c, HL_ERR_NOMEM, a, "out of memory");
  if (n > 1 && n != njoint)
    FAIL(c, HL_ERR_PARSE, a, "JointReaction: %d joint_names but %d entries in <%s>", njoint, n, name);
  for (int j = 0; out && j < njoint && !c->st; j++)
    if (!(out[j] = strdup(n == 0 ? dflt : n == 1 ? w[0] : w[j]))) FAIL(c, HL_ERR_NOMEM, a, "out of memory");
  free_words(w, n);
  return out;
}

static void read_jr(ctx *c, const xmlNode *a, hl_analyze_setup *s) {
  check_fields(c, a, common_fields, jr_fields, "JointReaction");
  s->has_jr = 1;
  times(c, a, s, &s->jr);
  free(s->jr_forces_file);
  s->jr_forces_file = path_prop(c, a, "forces_file", s->dir);
  s->jr_joint = words(c, a, "joint_names", &s->jr_njoint);
  s->jr_on = per_joint(c, a, "apply_on_bodies", s->jr_njoint, "child");
  s->jr_frame = per_joint(c, a, "express_in_frame", s->jr_njoint, "ground");
  for (int j = 0; j < s->jr_njoint && s->jr_on && !c->st; j++)
    if (strcmp(s->jr_on[j], "child") && strcmp(s->jr_on[j], "parent"))
      FAIL(c, HL_ERR_PARSE, hl__xml_child(a, "apply_on_bodies"), "<apply_on_bodies> entry '%s' must be child or parent",
           s->jr_on[j]);
}

static void read_ma(ctx *c, const xmlNode *a, hl_analyze_setup *s) {
  check_fields(c, a, common_fields, ma_fields, "MuscleAnalysis");
  s->has_ma = 1;
  times(c, a, s, &s->ma);
  s->ma_muscles = words(c, a, "muscle_list", &s->ma_nmuscle);
  s->ma_coords = words(c, a, "moment_arm_coordinate_list", &s->ma_ncoord);
  if (s->ma_nmuscle == 1 && !strcasecmp(s->ma_muscles[0], "all")) s->ma_nmuscle = 0;
  if (s->ma_ncoord == 1 && !strcasecmp(s->ma_coords[0], "all")) s->ma_ncoord = 0;
  s->ma_compute_moments = boolean(c, a, "compute_moments", 0);
  s->ma_compute_moments_line = line_of(hl__xml_child(a, "compute_moments"));
}

/* ------------------------------------------------------------- InducedAccelerations */

/* A name of at most 63 bytes (the fixed fields of hl_setup_contact): longer is an error. */
static void short_name(ctx *c, const xmlNode *n, const char *what, const char *v, char out[64]) {
  if (strlen(v) >= 64) FAIL(c, HL_ERR_BAD_VALUE, n, "%s '%.40s...' is longer than 63 bytes", what, v);
  else snprintf(out, 64, "%s", v);
}

/* A body named by an OpenSim 3 element (<rolling_body>) or a 4.x socket (<socket_rolling_body>). */
static void body_prop(ctx *c, const xmlNode *n, const char *name, char out[64]) {
  char sock[80];
  snprintf(sock, sizeof sock, "socket_%s", name);
  const char *use = hl__xml_child(n, name) ? name : sock;
  char *buf = text(c, n, use);
  if (!buf) return;
  const char *b = strrchr(buf, '/'); /* "/bodyset/calcn_r" */
  short_name(c, n, use, b ? b + 1 : buf, out);
  free(buf);
}

/* Three numbers at the start of s (blanks before each, as sscanf's "%lf %lf %lf"), read in the C
 * locale whatever the host's (number.h); 1 when all three are there. */
static int three_numbers(const char *s, double *v) {
  char *end = (char *)s;
  for (int k = 0; k < 3; k++) {
    const char *p = end;
    v[k] = hl__strtod(p, &end);
    if (end == p) return 0;
  }
  return 1;
}

static void vec3(ctx *c, const xmlNode *n, const char *name, double *v) {
  xmlNode *e = hl__xml_child(n, name);
  if (!e || c->st) return;
  char *buf = text(c, n, name);
  if (buf && (!three_numbers(buf, v) || !isfinite(v[0]) || !isfinite(v[1]) || !isfinite(v[2])))
    FAIL(c, HL_ERR_PARSE, e, "<%s> must be three numbers, not '%s'", name, buf);
  free(buf);
}

/* A name list with OpenSim's 'All' keyword: -1 for All, else the count. */
static int name_list(ctx *c, const xmlNode *a, const char *name, char ***out) {
  int n = 0;
  *out = words(c, a, name, &n);
  return n >= 1 && !strcasecmp((*out)[0], "all") ? -1 : n;
}

static void read_contact(ctx *c, const xmlNode *n, hl_setup_contact *k) {
  check_fields(c, n, contact_fields, NULL, "RollingOnSurfaceConstraint");
  xmlChar *nm = xmlGetProp(n, (const xmlChar *)"name");
  short_name(c, n, "the constraint's name", nm ? (const char *)nm : "", k->name);
  xmlFree(nm);
  k->line = line_of(n);
  body_prop(c, n, "rolling_body", k->rolling_body);
  body_prop(c, n, "surface_body", k->surface_body);
  k->normal[0] = k->normal[2] = 0;
  k->normal[1] = 1;
  vec3(c, n, "surface_normal", k->normal);
  k->friction = num(c, n, "friction_coefficient", 0.5);
  k->radius = num(c, n, "contact_radius", 0.01);
  k->height = num(c, n, "surface_height", 0);
  if (!k->rolling_body[0] || !k->surface_body[0])
    FAIL(c, HL_ERR_PARSE, n, "RollingOnSurfaceConstraint '%s' names no rolling_body or surface_body", k->name);
}

static void read_contacts(ctx *c, const xmlNode *a, hl_analyze_setup *s) {
  xmlNode *set = hl__xml_child(a, "ConstraintSet"), *objs = hl__xml_child(set, "objects");
  for (xmlNode *n = objs ? objs->children : NULL; n && !c->st; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (!hl__xml_is(n, "RollingOnSurfaceConstraint"))
      FAIL(c, HL_ERR_UNSUPPORTED, n,
           "InducedAccelerations: <%s> is not supported (only RollingOnSurfaceConstraint: OpenSim 4.6's "
           "PointConstraint keeps the point of the setup instead of the centre of pressure, and its "
           "WeldConstraint aborts)", (const char *)n->name);
    else if (s->ia_ncon == HL_SETUP_MAX_CONTACTS)
      FAIL(c, HL_ERR_UNSUPPORTED, n, "InducedAccelerations: more than %d contact constraints", HL_SETUP_MAX_CONTACTS);
    else read_contact(c, n, &s->ia_con[s->ia_ncon++]);
  }
}

static void read_induced(ctx *c, const xmlNode *a, hl_analyze_setup *s) {
  check_fields(c, a, common_fields, ia_fields, "InducedAccelerations");
  s->has_ia = 1;
  times(c, a, s, &s->ia);
  s->ia_in_degrees = boolean(c, a, "in_degrees", 1);
  xmlChar *nm = xmlGetProp(a, (const xmlChar *)"name");
  free(s->ia_name);
  s->ia_name = strdup(nm && nm[0] ? (const char *)nm : "InducedAccelerations");
  xmlFree(nm);
  if (!s->ia_name) FAIL(c, HL_ERR_NOMEM, a, "out of memory");
  s->ia_ncoord = name_list(c, a, "coordinate_names", &s->ia_coords);
  if (!hl__xml_child(a, "body_names")) { /* OpenSim's default: the centre of mass */
    s->ia_bodies = calloc(2, sizeof *s->ia_bodies);
    if (s->ia_bodies) s->ia_bodies[0] = strdup("center_of_mass");
    if (!s->ia_bodies || !s->ia_bodies[0]) FAIL(c, HL_ERR_NOMEM, a, "out of memory");
    s->ia_nbody = 1;
  } else {
    s->ia_nbody = name_list(c, a, "body_names", &s->ia_bodies);
  }
  read_contacts(c, a, s);
  s->ia_force_threshold = num(c, a, "force_threshold", 6);
  s->ia_potentials_only = boolean(c, a, "compute_potentials_only", 0);
  s->ia_report_reactions = boolean(c, a, "report_constraint_reactions", 0);
  if (!(s->ia_force_threshold >= 0))
    FAIL(c, HL_ERR_BAD_VALUE, hl__xml_child(a, "force_threshold"), "<force_threshold> must be >= 0, not %g",
         s->ia_force_threshold);
}

/* The analyses that run share one set of frames: refuse windows or steps that differ. */
static void same_frames(ctx *c, const hl_analyze_setup *s, const xmlNode *set) {
  const hl_analysis_times *t[3] = {s->has_so ? &s->so : NULL, s->has_jr ? &s->jr : NULL, s->has_ma ? &s->ma : NULL};
  const char *name[3] = {"StaticOptimization", "JointReaction", "MuscleAnalysis"};
  int first = -1;
  for (int k = 0; k < 3; k++) {
    if (!t[k] || !t[k]->on) continue;
    if (first < 0) {
      first = k;
      continue;
    }
    const hl_analysis_times *a = t[first], *b = t[k];
    if (fmax(s->initial_time, a->start_time) != fmax(s->initial_time, b->start_time) ||
        fmin(s->final_time, a->end_time) != fmin(s->final_time, b->end_time) || a->step_interval != b->step_interval)
      FAIL(c, HL_ERR_UNSUPPORTED, set,
           "%s and %s ask for different frames (start_time, end_time or step_interval); hipload runs every "
           "analysis of a setup on the same frames",
           name[first], name[k]);
  }
}

static void read_analyses(ctx *c, const xmlNode *tool, hl_analyze_setup *s) {
  xmlNode *set = hl__xml_child(tool, "AnalysisSet");
  for (const xmlNode *n = set ? set->children : NULL; n && !c->st; n = n->next)
    if (n->type == XML_ELEMENT_NODE && !hl__xml_is(n, "objects") && !(hl__xml_is(n, "groups") && empty_element(n)))
      FAIL(c, HL_ERR_UNSUPPORTED, n, "<%s> of the AnalysisSet is not an element hipload knows", (const char *)n->name);
  xmlNode *objs = hl__xml_child(set, "objects");
  for (xmlNode *a = objs ? objs->children : NULL; a && !c->st; a = a->next) {
    if (a->type != XML_ELEMENT_NODE) continue;
    if (hl__xml_is(a, "StaticOptimization")) read_so(c, a, s);
    else if (hl__xml_is(a, "JointReaction")) read_jr(c, a, s);
    else if (hl__xml_is(a, "MuscleAnalysis")) read_ma(c, a, s);
    else if (hl__xml_is(a, "InducedAccelerations")) read_induced(c, a, s);
    else
      FAIL(c, HL_ERR_UNSUPPORTED, a,
           "analysis <%s> is not supported (hipload runs StaticOptimization, JointReaction, MuscleAnalysis "
           "and InducedAccelerations)",
           (const char *)a->name);
  }
  if (!c->st) same_frames(c, s, set);
}

/* ---------------------------------------------------------------------------- the tool */

static char *folder_of(const char *path) {
  char *dir = hl_setup_resolve_path(NULL, path);
  if (!dir) return NULL;
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  else {
    free(dir);
    dir = strdup(".");
  }
  return dir;
}

static xmlDoc *open_doc(const char *path, hl_error *err, hl_status *st) {
  hl__xml_quiet quiet; /* the library never prints: see xmlutil.h */
  hl__xml_quiet_begin(&quiet);
  xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  hl__xml_quiet_end(&quiet);
  if (!doc) {
    FILE *f = fopen(path, "rb");
    if (!f) {
      *st = hl_error_set(err, HL_ERR_IO, path, 0, "cannot open setup file");
      return NULL;
    }
    fclose(f);
    const xmlError *xe = xmlGetLastError();
    *st = hl_error_set(err, HL_ERR_PARSE, path, xe ? xe->line : 0, "not well-formed XML: %s",
                       xe && xe->message ? xe->message : "parse error");
    return NULL;
  }
  *st = HL_OK;
  return doc;
}

static xmlNode *tool_node(xmlDoc *doc, hl_tool_kind *kind) {
  xmlNode *root = xmlDocGetRootElement(doc);
  *kind = HL_TOOL_UNKNOWN;
  if (!root) return NULL;
  xmlNode *t = NULL;
  if (hl__xml_is(root, "OpenSimDocument")) {
    for (xmlNode *c = root->children; c; c = c->next)
      if (c->type == XML_ELEMENT_NODE) {
        t = c;
        break;
      }
  } else {
    t = root;
  }
  if (hl__xml_is(t, "AnalyzeTool")) *kind = HL_TOOL_ANALYZE;
  else if (hl__xml_is(t, "InverseDynamicsTool")) *kind = HL_TOOL_INVERSE_DYNAMICS;
  return t;
}

hl_status hl_setup_kind(const char *path, hl_tool_kind *kind, hl_error *err) {
  if (!path || !kind) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_setup_kind: NULL argument");
  *kind = HL_TOOL_UNKNOWN;
  hl_status st;
  xmlDoc *doc = open_doc(path, err, &st);
  if (!doc) return st;
  xmlNode *t = tool_node(doc, kind);
  if (*kind == HL_TOOL_UNKNOWN)
    st = hl_error_set(err, HL_ERR_UNSUPPORTED, path, line_of(t), "<%s> is not a tool hipload runs (AnalyzeTool, InverseDynamicsTool)",
                      t ? (const char *)t->name : "?");
  xmlFreeDoc(doc);
  return st;
}

void hl_setup_free(hl_analyze_setup *s) {
  if (!s) return;
  free(s->path), free(s->dir), free(s->name), free(s->model_file), free(s->results_directory);
  free(s->external_loads_file), free(s->coordinates_file), free(s->jr_forces_file);
  free_words(s->force_set_files, s->nforce_set_files);
  free_words(s->jr_joint, s->jr_njoint);
  free_words(s->jr_on, s->jr_njoint);
  free_words(s->jr_frame, s->jr_njoint);
  free_words(s->ma_muscles, s->ma_nmuscle > 0 ? s->ma_nmuscle : 1);
  free_words(s->ma_coords, s->ma_ncoord > 0 ? s->ma_ncoord : 1);
  free(s->states_file), free(s->ia_name);
  free_words(s->ia_coords, s->ia_ncoord > 0 ? s->ia_ncoord : 1);
  free_words(s->ia_bodies, s->ia_nbody > 0 ? s->ia_nbody : 1);
  free(s);
}

/* The tool's own elements. */
static void read_tool(ctx *c, const xmlNode *t, hl_analyze_setup *s) {
  check_fields(c, t, tool_fields, NULL, "the AnalyzeTool");
  xmlChar *nm = xmlGetProp(t, (const xmlChar *)"name");
  s->name = strdup(nm ? (const char *)nm : "");
  xmlFree(nm);
  s->model_file = path_prop(c, t, "model_file", s->dir);
  s->replace_force_set = boolean(c, t, "replace_force_set", 0);
  s->force_set_files = words(c, t, "force_set_files", &s->nforce_set_files);
  for (int i = 0; i < s->nforce_set_files && !c->st; i++) {
    char *p = resolve_input(c, s->dir, s->force_set_files[i]);
    free(s->force_set_files[i]);
    s->force_set_files[i] = p;
  }
  s->results_directory = path_prop(c, t, "results_directory", s->dir);
  if (s->results_directory && !s->results_directory[0]) {
    free(s->results_directory);
    s->results_directory = strdup(s->dir);
  }
  s->initial_time = num(c, t, "initial_time", -INFINITY);
  s->final_time = num(c, t, "final_time", INFINITY);
  s->external_loads_file = path_prop(c, t, "external_loads_file", s->dir);
  s->coordinates_file = path_prop(c, t, "coordinates_file", s->dir);
  s->states_file = path_prop(c, t, "states_file", s->dir);
  s->lowpass_cutoff = num(c, t, "lowpass_cutoff_frequency_for_coordinates", -1);
  /* hipload writes every number with 17 significant digits (it reads back bit for bit), at least
   * as many as any output_precision asks for */
  double prec = num(c, t, "output_precision", 8);
  if (!(prec >= 1 && prec <= 1e6 && prec == floor(prec)))
    FAIL(c, HL_ERR_BAD_VALUE, hl__xml_child(t, "output_precision"), "<output_precision> must be a positive integer, not %g",
         prec);
  if (!s->name || !s->model_file || !s->results_directory || !s->external_loads_file || !s->coordinates_file ||
      !s->states_file)
    FAIL(c, HL_ERR_NOMEM, t, "out of memory");
}

/* Which analyses and inputs go together: InducedAccelerations runs alone and may be driven by a
 * states file; the others need the coordinates file. */
static void check_tool_inputs(ctx *c, const xmlNode *t, const hl_analyze_setup *s) {
  if (!s->has_so && !s->has_jr && !s->has_ma && !s->has_ia) FAIL(c, HL_ERR_NOT_FOUND, t, "the AnalyzeTool has no analyses");
  if (s->has_ia && (s->has_so || s->has_jr || s->has_ma))
    FAIL(c, HL_ERR_UNSUPPORTED, t, "InducedAccelerations runs alone: put the other analyses in their own setup");
  if (!s->has_ia && s->states_file[0])
    FAIL(c, HL_ERR_UNSUPPORTED, hl__xml_child(t, "states_file"),
         "<states_file> of the AnalyzeTool: hipload does not support a states file for these analyses (give the "
         "coordinates_file; InducedAccelerations reads one)");
  if (s->has_ia && !s->coordinates_file[0] && !s->states_file[0])
    FAIL(c, HL_ERR_NOT_FOUND, t, "InducedAccelerations needs a <states_file> or a <coordinates_file>");
  if (!s->has_ia && !s->coordinates_file[0]) FAIL(c, HL_ERR_NOT_FOUND, t, "<coordinates_file> is empty");
}

hl_status hl_setup_read(const char *path, hl_analyze_setup **out, hl_error *err) {
  if (!out || !path) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_setup_read: NULL argument");
  *out = NULL;
  hl_status st;
  xmlDoc *doc = open_doc(path, err, &st);
  if (!doc) return st;
  hl_analyze_setup *s = calloc(1, sizeof *s);
  ctx c = {path, err, HL_OK};
  if (!s) {
    xmlFreeDoc(doc);
    return hl_error_set(err, HL_ERR_NOMEM, path, 0, "out of memory");
  }
  s->so_activation_exponent = 2, s->so_use_muscle_physiology = 1;
  s->so_convergence = HL_SO_OPENSIM_CRITERION, s->so_max_iterations = 100;
  s->jr_forces_file = strdup("");
  s->path = strdup(path);
  s->dir = folder_of(path);
  if (!s->path || !s->dir || !s->jr_forces_file) FAIL(&c, HL_ERR_NOMEM, NULL, "out of memory");
  xmlNode *t = tool_node(doc, &s->kind);
  if (s->kind != HL_TOOL_ANALYZE)
    FAIL(&c, HL_ERR_UNSUPPORTED, t, "expected an <AnalyzeTool> setup, found <%s>", t ? (const char *)t->name : "nothing");
  if (!c.st) read_tool(&c, t, s);
  if (!c.st) read_analyses(&c, t, s);
  if (!c.st) check_tool_inputs(&c, t, s);
  if (!c.st && !s->model_file[0]) FAIL(&c, HL_ERR_NOT_FOUND, t, "<model_file> is empty");
  xmlFreeDoc(doc);
  if (c.st) {
    hl_setup_free(s);
    return c.st;
  }
  *out = s;
  return HL_OK;
}
