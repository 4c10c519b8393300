/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSim InverseDynamicsTool setups: read the XML, form the motion, run inverse dynamics per frame,
 * write the generalized forces with OpenSim's header and column names. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "fsutil.h"
#include "number.h"
#include "xmlutil.h"
#include "hipload/idtool.h"
#include "hipload/invdyn.h"
#include "hipload/motion.h"

#define PATH_LEN 1024

/* ------------------------------------------------------------------ whole-motion ID */

hl_status hl_invdyn_run(const hl_model *m, const hl_motion *mo, const hl_extloads *x,
                        hl_table **out, hl_error *err) {
  if (out) *out = NULL;
  if (!m || !mo || !out)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_invdyn_run: NULL argument");
  if (mo->nq != m->ncoord)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                        "hl_invdyn_run: motion has %d coordinates, model '%s' has %d", mo->nq,
                        m->name, m->ncoord);
  const int nq = m->ncoord, nb = m->nbody;
  hl_status st = HL_OK;
  char **names = calloc((size_t)nq + 1, sizeof *names);
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  hl_invdyn *w = NULL;
  hl_invdyn_create(m, &w, NULL);
  hl_invdyn_extmap *map = NULL;
  double *ext = calloc((size_t)6 * nb, sizeof *ext);
  hl_table *t = NULL;
  if (!names || !d || !w || !ext) {
    st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    goto done;
  }
  if (x && (st = hl_invdyn_extmap_create(m, x, &map, err))) goto done;
  names[0] = "time";
  for (int i = 0; i < nq; i++) {
    size_t len = strlen(m->coord_name[i]) + 8;
    names[i + 1] = malloc(len);
    if (!names[i + 1]) {
      st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
      goto done;
    }
    snprintf(names[i + 1], len, "%s_%s", m->coord_name[i],
             m->coord_rotational[i] && !(m->coord_coupled && m->coord_coupled[i]) ? "moment" : "force");
  }
  hl_table_create(mo->nframe, nq + 1, (const char *const *)names, &t, NULL);
  if (!t) {
    st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    goto done;
  }
  free(t->name);
  t->name = strdup("Inverse Dynamics Generalized Forces");
  for (int f = 0; f < mo->nframe && !st; f++) {
    size_t k = (size_t)f * nq;
    st = hl_kin_update(m, d, mo->q + k, mo->qd + k, mo->qdd + k, NULL);
    if (st) {
      st = hl_error_set(err, st, NULL, 0, "kinematics failed at t = %.6f s", mo->t[f]);
      break;
    }
    if (map) hl_invdyn_ext_wrenches(m, d, x, map, mo->t[f], ext);
    double *row = t->data + (size_t)f * (nq + 1);
    row[0] = mo->t[f];
    st = hl_invdyn_frame(m, w, d, map ? ext : NULL, row + 1, NULL, NULL, err);
  }
done:
  if (names)
    for (int i = 1; i <= nq; i++) free(names[i]);
  free(names);
  free(ext);
  hl_kin_free(d);
  hl_invdyn_free(w);
  hl_invdyn_extmap_free(map);
  if (st) {
    hl_table_free(t);
    return st;
  }
  *out = t;
  return HL_OK;
}

/* ------------------------------------------------------------------------- setup file */


static xmlNode *find_element(xmlNode *n, const char *tag) {
  for (; n; n = n->next) {
    if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, tag) == 0) return n;
    xmlNode *r = find_element(n->children, tag);
    if (r) return r;
  }
  return NULL;
}

/* dir of `file` joined with `rel` (absolute rel kept), `\` read as `/`. -1 when too long. */
static int resolve_path(const char *file, const char *rel, char *out, size_t n) {
  char r[PATH_LEN];
  if (snprintf(r, sizeof r, "%s", rel) >= (int)sizeof r) return -1;
  for (char *p = r; *p; p++)
    if (*p == '\\') *p = '/';
  const char *slash = strrchr(file, '/');
  int k;
  if (r[0] == '/' || !slash) k = snprintf(out, n, "%s", r);
  else k = snprintf(out, n, "%.*s/%s", (int)(slash - file), file, r);
  return k >= 0 && (size_t)k < n ? 0 : -1;
}

typedef struct id_setup {
  char model[PATH_LEN], coords[PATH_LEN], loads[PATH_LEN], results[PATH_LEN], output[PATH_LEN];
  double cutoff, t0, t1;
  int in_degrees; /* -1 not given */
  char *exclude;      /* forces_to_exclude, as written (owned) */
  int exclude_line;
} id_setup;

/* The elements of an InverseDynamicsTool: honoured, or honoured only when empty ("Unassigned"),
 * or accepted (defaults: OpenSim ignores it for a tool run). Anything else is refused. */
static const struct {
  const char *name;
  int empty_only;
  const char *what;
} id_fields[] = {{"model_file", 0, NULL},
                 {"coordinates_file", 0, NULL},
                 {"external_loads_file", 0, NULL},
                 {"results_directory", 0, NULL},
                 {"output_gen_force_file", 0, NULL},
                 {"lowpass_cutoff_frequency_for_coordinates", 0, NULL},
                 {"time_range", 0, NULL},
                 {"coordinates_in_degrees", 0, NULL},
                 {"forces_to_exclude", 0, NULL},
                 {"defaults", 0, NULL},
                 {"input_directory", 1, "an input directory (paths are relative to the setup file)"},
                 {"output_body_forces_file", 1, "the body forces file"},
                 {"joints_to_report_body_forces", 1, "body forces at joints"}};

static hl_status check_fields(const char *path, const xmlNode *tool, hl_error *err) {
  for (const xmlNode *n = tool->children; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    size_t k = 0, nf = sizeof id_fields / sizeof id_fields[0];
    while (k < nf && strcmp(id_fields[k].name, (const char *)n->name)) k++;
    if (k == nf)
      return hl_error_set(err, HL_ERR_UNSUPPORTED, path, (int)xmlGetLineNo(n),
                          "<%s> of the InverseDynamicsTool is not an element hipload knows; it cannot honour it",
                          (const char *)n->name);
    char *t = id_fields[k].empty_only ? hl__xml_strdup(n) : NULL;
    int bad = t && t[0] && strcmp(t, "Unassigned");
    free(t);
    if (bad)
      return hl_error_set(err, HL_ERR_UNSUPPORTED, path, (int)xmlGetLineNo(n),
                          "<%s>: hipload does not write %s", (const char *)n->name, id_fields[k].what);
  }
  return HL_OK;
}

/* OpenSim applies every model force not in forces_to_exclude; hipload applies none, so the muscles
 * must be excluded (OpenSim's "Muscles" group) and so must every other force element the model
 * has (hipload models the CoordinateLimitForces among them). */
static hl_status check_excluded(const id_setup *su, const char *path, const hl_model *m, hl_error *err) {
  size_t L = strlen(su->exclude) + 1;
  char *buf = malloc(L);
  if (!buf) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  int muscles = 0;
  snprintf(buf, L, "%s", su->exclude);
  for (char *sv = NULL, *w = strtok_r(buf, " \t\r\n", &sv); w; w = strtok_r(NULL, " \t\r\n", &sv))
    muscles |= !strcasecmp(w, "Muscles");
  hl_status st = HL_OK;
  if (!muscles && m->nmuscle > 0)
    st = hl_error_set(err, HL_ERR_UNSUPPORTED, path, su->exclude_line,
                        "<forces_to_exclude> '%s' leaves the muscles in: hipload's inverse dynamics applies no "
                        "muscle force (exclude Muscles)", su->exclude);
  for (int i = 0; i < m->nlimit && !st; i++) {
    int named = 0;
    snprintf(buf, L, "%s", su->exclude);
    for (char *sv = NULL, *w = strtok_r(buf, " \t\r\n", &sv); w; w = strtok_r(NULL, " \t\r\n", &sv))
      named |= !strcmp(w, m->lim_name[i]);
    if (!named)
      st = hl_error_set(err, HL_ERR_UNSUPPORTED, path, su->exclude_line,
                          "<forces_to_exclude> does not exclude CoordinateLimitForce '%s': OpenSim would apply it, "
                          "hipload's inverse dynamics does not (add it to the list)", m->lim_name[i]);
  }
  free(buf);
  return st;
}

static hl_status parse_double(const char *s, double *v, const char *file, int ln, const char *field,
                              hl_error *err) {
  char *end;
  errno = 0;
  *v = hl__strtod(s, &end);
  while (*end && isspace((unsigned char)*end)) end++;
  if (end == s || *end || errno)
    return hl_error_set(err, HL_ERR_PARSE, file, ln, "<%s>: '%s' is not a number", field, s);
  return HL_OK;
}

static hl_status read_setup(const char *path, id_setup *su, hl_error *err) {
  memset(su, 0, sizeof *su);
  su->cutoff = -1.0;
  su->t0 = -1e300;
  su->t1 = 1e300;
  su->in_degrees = -1;
  FILE *fp = fopen(path, "rb");
  if (!fp) return hl_error_set(err, HL_ERR_IO, path, 0, "cannot open the setup file: %s", strerror(errno));
  fclose(fp);
  xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) {
    const xmlError *xe = xmlGetLastError();
    return hl_error_set(err, HL_ERR_PARSE, path, xe ? xe->line : 0, "not a well-formed XML file: %s",
                        xe && xe->message ? xe->message : "parse error");
  }
  hl_status st = HL_OK;
  xmlNode *tool = find_element(xmlDocGetRootElement(doc), "InverseDynamicsTool");
  char buf[PATH_LEN];
  int ln = 0;
  if (!tool) {
    st = hl_error_set(err, HL_ERR_PARSE, path, 0, "no <InverseDynamicsTool> element");
    goto done;
  }
  if ((st = check_fields(path, tool, err))) goto done;
  xmlNode *ex = hl__xml_child(tool, "forces_to_exclude");
  su->exclude_line = ex ? (int)xmlGetLineNo(ex) : 0;
  su->exclude = hl__xml_strdup(ex);
  if (!su->exclude) {
    st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    goto done;
  }
  struct {
    const char *tag;
    char *dst;
    int required;
  } paths[] = {{"model_file", su->model, 1},
               {"coordinates_file", su->coords, 1},
               {"external_loads_file", su->loads, 0}};
  for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
    if (!(ln = hl__xml_child_text(tool, paths[k].tag, buf, sizeof buf)) || !buf[0] ||
        strcmp(buf, "Unassigned") == 0) {
      if (paths[k].required) {
        st = hl_error_set(err, HL_ERR_PARSE, path, (int)xmlGetLineNo(tool),
                          "<InverseDynamicsTool> has no <%s>", paths[k].tag);
        goto done;
      }
      continue;
    }
    if (resolve_path(path, buf, paths[k].dst, PATH_LEN)) {
      st = hl_error_set(err, HL_ERR_PARSE, path, ln, "<%s>: path too long", paths[k].tag);
      goto done;
    }
  }
  if (!(ln = hl__xml_child_text(tool, "results_directory", buf, sizeof buf)) || !buf[0]) strcpy(buf, ".");
  if (resolve_path(path, buf, su->results, PATH_LEN)) {
    st = hl_error_set(err, HL_ERR_PARSE, path, ln, "<results_directory>: path too long");
    goto done;
  }
  if (!(ln = hl__xml_child_text(tool, "output_gen_force_file", buf, sizeof buf)) || !buf[0])
    snprintf(buf, sizeof buf, "inverse_dynamics.sto");
  {
    /* OpenSim keeps only the file name and adds ".sto" when it has no extension */
    for (char *p = buf; *p; p++)
      if (*p == '\\') *p = '/';
    const char *base = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
    if (snprintf(su->output, PATH_LEN, "%s%s", base, strchr(base, '.') ? "" : ".sto") >= PATH_LEN) {
      st = hl_error_set(err, HL_ERR_PARSE, path, ln, "<output_gen_force_file>: name too long");
      goto done;
    }
  }
  if ((ln = hl__xml_child_text(tool, "lowpass_cutoff_frequency_for_coordinates", buf, sizeof buf)) && buf[0] &&
      (st = parse_double(buf, &su->cutoff, path, ln, "lowpass_cutoff_frequency_for_coordinates", err)))
    goto done;
  if ((ln = hl__xml_child_text(tool, "time_range", buf, sizeof buf)) && buf[0]) {
    char *end;
    errno = 0;
    su->t0 = hl__strtod(buf, &end);
    char *end2;
    su->t1 = hl__strtod(end, &end2);
    while (*end2 && isspace((unsigned char)*end2)) end2++;
    if (end == buf || end2 == end || *end2 || errno) {
      st = hl_error_set(err, HL_ERR_PARSE, path, ln, "<time_range>: '%s' is not two numbers", buf);
      goto done;
    }
    if (su->t1 < su->t0) {
      st = hl_error_set(err, HL_ERR_BAD_VALUE, path, ln, "<time_range>: %g > %g", su->t0, su->t1);
      goto done;
    }
  }
  if ((ln = hl__xml_child_text(tool, "coordinates_in_degrees", buf, sizeof buf)) && buf[0]) {
    if (strcmp(buf, "true") == 0) su->in_degrees = 1;
    else if (strcmp(buf, "false") == 0) su->in_degrees = 0;
    else {
      st = hl_error_set(err, HL_ERR_PARSE, path, ln, "<coordinates_in_degrees>: '%s' is not true/false",
                        buf);
      goto done;
    }
  }
done:
  xmlFreeDoc(doc);
  return st;
}

hl_status hl_idtool_run(const char *setup_xml, const char *out_dir_override, hl_error *err) {
  if (!setup_xml) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_idtool_run: NULL setup");
  id_setup su;
  hl_status st = read_setup(setup_xml, &su, err);
  if (st) {
    free(su.exclude);
    return st;
  }
  hl_model *m = NULL;
  hl_table *coords = NULL, *out = NULL;
  hl_extloads *x = NULL;
  hl_motion *mo = NULL;
  if ((st = hl_model_load(su.model, &m, err))) goto done;
  if ((st = check_excluded(&su, setup_xml, m, err))) goto done;
  if ((st = hl_table_read(su.coords, &coords, err))) goto done;
  if (su.loads[0] && (st = hl_extloads_load(su.loads, NULL, &x, err))) goto done;
  hl_motion_settings ms;
  hl_motion_settings_defaults(&ms);
  ms.t0 = su.t0;
  ms.t1 = su.t1;
  ms.lowpass_hz = su.cutoff;
  ms.in_degrees = su.in_degrees;
  ms.assemble = 0; /* InverseDynamicsTool takes the coordinates as they are */
  if ((st = hl_motion_create(m, coords, &ms, &mo, err))) goto done;
  if ((st = hl_invdyn_run(m, mo, x, &out, err))) goto done;
  char dir[PATH_LEN], file[2 * PATH_LEN + 2];
  snprintf(dir, sizeof dir, "%s", out_dir_override ? out_dir_override : su.results);
  st = hl__mkdirs(dir, err);
  if (st) goto done;
  snprintf(file, sizeof file, "%s/%s", dir, su.output);
  st = hl_table_write_sto(out, file, NULL, err);
done:
  free(su.exclude);
  hl_motion_free(mo);
  hl_table_free(out);
  hl_table_free(coords);
  hl_extloads_free(x);
  hl_model_free(m);
  return st;
}
