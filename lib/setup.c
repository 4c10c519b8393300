/* SPDX-License-Identifier: Apache-2.0 */
/* AnalyzeTool setup files: see include/hipload/setup.h. */
#include "xmlutil.h"
#include "number.h"
#include "hipload/setup.h"
#include "hipload/so.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>




typedef struct {
  const char *file;
  hl_error *err;
  hl_status st;
} ctx;

static double num(ctx *c, const xmlNode *parent, const char *name, double dflt) {
  xmlNode *n = hl__xml_child(parent, name);
  if (!n || c->st) return dflt;
  char buf[128];
  hl__xml_text(n, buf, sizeof buf);
  if (!buf[0]) return dflt;
  if (!strcasecmp(buf, "inf") || !strcasecmp(buf, "+inf")) return INFINITY;
  if (!strcasecmp(buf, "-inf")) return -INFINITY;
  char *end;
  double v = hl__strtod(buf, &end);
  if (end == buf || *end) {
    c->st = hl_error_set(c->err, HL_ERR_PARSE, c->file, (int)xmlGetLineNo(n),
                         "<%s> is not a number: '%s'", name, buf);
    return dflt;
  }
  return v;
}

static int boolean(ctx *c, const xmlNode *parent, const char *name, int dflt) {
  xmlNode *n = hl__xml_child(parent, name);
  if (!n || c->st) return dflt;
  char buf[32];
  hl__xml_text(n, buf, sizeof buf);
  if (!buf[0]) return dflt;
  if (!strcasecmp(buf, "true") || !strcmp(buf, "1")) return 1;
  if (!strcasecmp(buf, "false") || !strcmp(buf, "0")) return 0;
  c->st = hl_error_set(c->err, HL_ERR_PARSE, c->file, (int)xmlGetLineNo(n),
                       "<%s> must be true or false, not '%s'", name, buf);
  return dflt;
}

void hl_path_resolve(const char *dir, const char *rel, char *out, size_t n) {
  char tmp[HL_PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s", rel ? rel : "");
  for (char *p = tmp; *p; p++)
    if (*p == '\\') *p = '/';
  if (!tmp[0]) {
    out[0] = '\0';
    return;
  }
  if (tmp[0] == '/' || !dir || !dir[0])
    snprintf(out, n, "%s", tmp);
  else
    snprintf(out, n, "%s/%s", dir, tmp);
}

/* Input paths: relative to the setup file's folder (OpenSim 4); when nothing exists there but the
 * path exists relative to the working folder (how OpenSim 3 and some shipped setups resolve them),
 * that one is taken. */
static void path_prop(const xmlNode *parent, const char *name, const char *dir, char *out) {
  char buf[HL_PATH_MAX];
  hl__xml_text(hl__xml_child(parent, name), buf, sizeof buf);
  hl_path_resolve(dir, buf, out, HL_PATH_MAX);
  struct stat st;
  if (out[0] && stat(out, &st) != 0) {
    char cwd_rel[HL_PATH_MAX];
    hl_path_resolve(NULL, buf, cwd_rel, sizeof cwd_rel);
    if (stat(cwd_rel, &st) == 0) snprintf(out, HL_PATH_MAX, "%s", cwd_rel);
  }
}

/* Split whitespace-separated words of <name> into an array of up to max entries of 64 chars. */
static int words(ctx *c, const xmlNode *parent, const char *name, char (*out)[64], int max) {
  char buf[4096];
  xmlNode *n = hl__xml_child(parent, name);
  hl__xml_text(n, buf, sizeof buf);
  int k = 0;
  for (char *sv = NULL, *tok = strtok_r(buf, " \t\r\n", &sv); tok; tok = strtok_r(NULL, " \t\r\n", &sv)) {
    if (k == max) {
      if (!c->st)
        c->st = hl_error_set(c->err, HL_ERR_UNSUPPORTED, c->file, (int)xmlGetLineNo(n),
                             "<%s> lists more than %d entries", name, max);
      return k;
    }
    snprintf(out[k++], 64, "%s", tok);
  }
  return k;
}

static int count_words(const xmlNode *parent, const char *name) {
  char buf[8192];
  hl__xml_text(hl__xml_child(parent, name), buf, sizeof buf);
  int k = 0;
  for (char *sv = NULL, *tok = strtok_r(buf, " \t\r\n", &sv); tok; tok = strtok_r(NULL, " \t\r\n", &sv)) k++;
  return k;
}

static void times(ctx *c, const xmlNode *a, const hl_analyze_setup *s, hl_analysis_times *t) {
  t->on = boolean(c, a, "on", 1);
  t->start_time = num(c, a, "start_time", s->initial_time);
  t->end_time = num(c, a, "end_time", s->final_time);
  double si = num(c, a, "step_interval", 1);
  if (!c->st && (si < 1 || si != floor(si) || si > 1e6))
    c->st = hl_error_set(c->err, HL_ERR_BAD_VALUE, c->file, (int)xmlGetLineNo(hl__xml_child(a, "step_interval")),
                         "<step_interval> must be a positive integer, not %g", si);
  /* Cast only a checked value: after an earlier error the check above is skipped, and a huge or
   * NaN step would make the cast undefined (found by fuzz/fuzz_setup). */
  t->step_interval = si >= 1 && si <= 1e6 ? (int)si : 1;
  t->in_degrees = boolean(c, a, "in_degrees", 1);
}

static void folder_of(const char *path, char *dir, size_t n) {
  snprintf(dir, n, "%s", path);
  for (char *p = dir; *p; p++)
    if (*p == '\\') *p = '/';
  char *slash = strrchr(dir, '/');
  if (slash)
    *slash = '\0';
  else
    snprintf(dir, n, ".");
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

hl_tool_kind hl_setup_kind(const char *path, hl_error *err) {
  hl_status st;
  xmlDoc *doc = open_doc(path, err, &st);
  if (!doc) return HL_TOOL_UNKNOWN;
  hl_tool_kind k;
  xmlNode *t = tool_node(doc, &k);
  if (k == HL_TOOL_UNKNOWN)
    hl_error_set(err, HL_ERR_UNSUPPORTED, path, t ? (int)xmlGetLineNo(t) : 0,
                 "<%s> is not a tool hipload runs (AnalyzeTool, InverseDynamicsTool)",
                 t ? (const char *)t->name : "?");
  xmlFreeDoc(doc);
  return k;
}

void hl_setup_free(hl_analyze_setup *s) {
  if (!s) return;
  free(s->ma_muscles);
  free(s->ma_coords);
  free(s);
}

hl_status hl_setup_read(const char *path, hl_analyze_setup **out, hl_error *err) {
  if (!out || !path) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_setup_read: NULL argument");
  *out = NULL;
  hl_status st;
  xmlDoc *doc = open_doc(path, err, &st);
  if (!doc) return st;
  hl_analyze_setup *s = calloc(1, sizeof *s);
  if (!s) {
    xmlFreeDoc(doc);
    return hl_error_set(err, HL_ERR_NOMEM, path, 0, "out of memory");
  }
  ctx c = {path, err, HL_OK};
  xmlNode *t = tool_node(doc, &s->kind);
  if (s->kind != HL_TOOL_ANALYZE) {
    c.st = hl_error_set(err, HL_ERR_UNSUPPORTED, path, t ? (int)xmlGetLineNo(t) : 0,
                        "expected an <AnalyzeTool> setup, found <%s>", t ? (const char *)t->name : "nothing");
    goto done;
  }
  snprintf(s->path, sizeof s->path, "%s", path);
  folder_of(path, s->dir, sizeof s->dir);
  xmlChar *nm = xmlGetProp(t, (const xmlChar *)"name");
  snprintf(s->name, sizeof s->name, "%s", nm ? (const char *)nm : "");
  xmlFree(nm);

  path_prop(t, "model_file", s->dir, s->model_file);
  s->replace_force_set = boolean(&c, t, "replace_force_set", 0);
  {
    char buf[4096];
    xmlNode *n = hl__xml_child(t, "force_set_files");
    hl__xml_text(n, buf, sizeof buf);
    for (char *sv = NULL, *tok = strtok_r(buf, " \t\r\n", &sv); tok; tok = strtok_r(NULL, " \t\r\n", &sv)) {
      if (s->nforce_set_files == HL_SETUP_MAX_FILES) {
        c.st = hl_error_set(err, HL_ERR_UNSUPPORTED, path, (int)xmlGetLineNo(n),
                            "<force_set_files> lists more than %d files", HL_SETUP_MAX_FILES);
        break;
      }
      char *dst = s->force_set_files[s->nforce_set_files++];
      hl_path_resolve(s->dir, tok, dst, HL_PATH_MAX);
      struct stat fst;
      if (stat(dst, &fst) != 0 && stat(tok, &fst) == 0) hl_path_resolve(NULL, tok, dst, HL_PATH_MAX);
    }
  }
  path_prop(t, "results_directory", s->dir, s->results_directory);
  if (!s->results_directory[0]) snprintf(s->results_directory, HL_PATH_MAX, "%s", s->dir);
  s->initial_time = num(&c, t, "initial_time", -INFINITY);
  s->final_time = num(&c, t, "final_time", INFINITY);
  path_prop(t, "external_loads_file", s->dir, s->external_loads_file);
  path_prop(t, "coordinates_file", s->dir, s->coordinates_file);
  path_prop(t, "speeds_file", s->dir, s->speeds_file);
  path_prop(t, "states_file", s->dir, s->states_file);
  s->lowpass_cutoff = num(&c, t, "lowpass_cutoff_frequency_for_coordinates", -1);
  if (!c.st && !s->coordinates_file[0] && s->states_file[0])
    c.st = hl_error_set(err, HL_ERR_UNSUPPORTED, path, (int)xmlGetLineNo(hl__xml_child(t, "states_file")),
                        "setups driven by a <states_file> are not supported; give <coordinates_file>");

  xmlNode *set = hl__xml_child(t, "AnalysisSet");
  xmlNode *objs = hl__xml_child(set, "objects");
  for (xmlNode *a = objs ? objs->children : NULL; a && !c.st; a = a->next) {
    if (a->type != XML_ELEMENT_NODE) continue;
    if (hl__xml_is(a, "StaticOptimization")) {
      s->has_so = 1;
      times(&c, a, s, &s->so);
      s->so_use_model_force_set = boolean(&c, a, "use_model_force_set", 1);
      s->so_activation_exponent = num(&c, a, "activation_exponent", 2);
      s->so_use_muscle_physiology = boolean(&c, a, "use_muscle_physiology", 1);
      s->so_convergence = num(&c, a, "optimizer_convergence_criterion", HL_SO_OPENSIM_CRITERION);
      double maxit = num(&c, a, "optimizer_max_iterations", 100);
      s->so_max_iterations = maxit >= 1 && maxit <= 1e9 ? (int)maxit : 100; /* cast only in range */
      if (!c.st && !(s->so_convergence > 0 && s->so_convergence < 1))
        c.st = hl_error_set(err, HL_ERR_BAD_VALUE, path,
                            (int)xmlGetLineNo(hl__xml_child(a, "optimizer_convergence_criterion")),
                            "<optimizer_convergence_criterion> must be > 0 and < 1, not %g", s->so_convergence);
      if (!c.st && !(maxit >= 1 && maxit <= 1e9 && maxit == floor(maxit)))
        c.st = hl_error_set(err, HL_ERR_BAD_VALUE, path,
                            (int)xmlGetLineNo(hl__xml_child(a, "optimizer_max_iterations")),
                            "<optimizer_max_iterations> must be a positive integer, not %g", maxit);
      if (!c.st && !(s->so_activation_exponent > 1 && s->so_activation_exponent < 100))
        c.st = hl_error_set(err, HL_ERR_BAD_VALUE, path, (int)xmlGetLineNo(hl__xml_child(a, "activation_exponent")),
                            "<activation_exponent> must be > 1, not %g", s->so_activation_exponent);
    } else if (hl__xml_is(a, "JointReaction")) {
      s->has_jr = 1;
      times(&c, a, s, &s->jr);
      path_prop(a, "forces_file", s->dir, s->jr_forces_file);
      s->jr_njoint = words(&c, a, "joint_names", s->jr_joint, HL_SETUP_MAX_JOINTS);
      int non = words(&c, a, "apply_on_bodies", s->jr_on, HL_SETUP_MAX_JOINTS);
      int nfr = words(&c, a, "express_in_frame", s->jr_frame, HL_SETUP_MAX_JOINTS);
      /* OpenSim: a single entry applies to every joint; an empty list means child / ground. */
      for (int j = 0; j < s->jr_njoint && !c.st; j++) {
        if (non == 1 && j > 0) snprintf(s->jr_on[j], 64, "%s", s->jr_on[0]);
        else if (non == 0) snprintf(s->jr_on[j], 64, "child");
        if (nfr == 1 && j > 0) snprintf(s->jr_frame[j], 64, "%s", s->jr_frame[0]);
        else if (nfr == 0) snprintf(s->jr_frame[j], 64, "ground");
        if (strcmp(s->jr_on[j], "child") && strcmp(s->jr_on[j], "parent"))
          c.st = hl_error_set(err, HL_ERR_PARSE, path, (int)xmlGetLineNo(hl__xml_child(a, "apply_on_bodies")),
                              "<apply_on_bodies> entry '%s' must be child or parent", s->jr_on[j]);
      }
      if (!c.st && ((non > 1 && non != s->jr_njoint) || (nfr > 1 && nfr != s->jr_njoint)))
        c.st = hl_error_set(err, HL_ERR_PARSE, path, (int)xmlGetLineNo(a),
                            "JointReaction: %d joint_names but %d apply_on_bodies and %d express_in_frame",
                            s->jr_njoint, non, nfr);
    } else if (hl__xml_is(a, "MuscleAnalysis")) {
      s->has_ma = 1;
      times(&c, a, s, &s->ma);
      int nm = count_words(a, "muscle_list"), nc = count_words(a, "moment_arm_coordinate_list");
      s->ma_muscles = calloc((size_t)(nm ? nm : 1), 64);
      s->ma_coords = calloc((size_t)(nc ? nc : 1), 64);
      if (!s->ma_muscles || !s->ma_coords) {
        c.st = hl_error_set(err, HL_ERR_NOMEM, path, 0, "out of memory");
        break;
      }
      s->ma_nmuscle = words(&c, a, "muscle_list", s->ma_muscles, nm);
      s->ma_ncoord = words(&c, a, "moment_arm_coordinate_list", s->ma_coords, nc);
      if (s->ma_nmuscle == 1 && !strcasecmp(s->ma_muscles[0], "all")) s->ma_nmuscle = 0;
      if (s->ma_ncoord == 1 && !strcasecmp(s->ma_coords[0], "all")) s->ma_ncoord = 0;
      s->ma_compute_moments = boolean(&c, a, "compute_moments", 0);
    } else {
      c.st = hl_error_set(err, HL_ERR_UNSUPPORTED, path, (int)xmlGetLineNo(a),
                          "analysis <%s> is not supported (hipload runs StaticOptimization, "
                          "JointReaction and MuscleAnalysis)", (const char *)a->name);
    }
  }
  if (!c.st && !s->has_so && !s->has_jr && !s->has_ma)
    c.st = hl_error_set(err, HL_ERR_NOT_FOUND, path, (int)xmlGetLineNo(t), "the AnalyzeTool has no analyses");
  if (!c.st && !s->coordinates_file[0])
    c.st = hl_error_set(err, HL_ERR_NOT_FOUND, path, (int)xmlGetLineNo(t), "<coordinates_file> is empty");
  if (!c.st && !s->model_file[0])
    c.st = hl_error_set(err, HL_ERR_NOT_FOUND, path, (int)xmlGetLineNo(t), "<model_file> is empty");
done:
  xmlFreeDoc(doc);
  if (c.st) {
    hl_setup_free(s);
    return c.st;
  }
  *out = s;
  return HL_OK;
}
