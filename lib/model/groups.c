/* SPDX-License-Identifier: Apache-2.0 */
/* Muscle groups: see include/hipload/groups.h. */
#include "hipload/groups.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Name stems (side suffix removed, trailing bundle digits ignored) → group. Covers the gait2392 /
 * Hamner 2010 names (Delp 1990 set) and the Rajagopal 2016 names. */
static const struct {
  const char *stem, *group;
} table[] = {
    {"iliacus", "iliopsoas"},        {"psoas", "iliopsoas"},
    {"glut_max", "gluteus_maximus"}, {"glmax", "gluteus_maximus"},
    {"glut_med", "gluteus_medius"},  {"glmed", "gluteus_medius"},
    {"glut_min", "gluteus_minimus"}, {"glmin", "gluteus_minimus"},
    {"semimem", "hamstrings"},       {"semiten", "hamstrings"},
    {"bifemlh", "hamstrings"},       {"bflh", "hamstrings"},
    {"bifemsh", "biceps_femoris_short_head"}, {"bfsh", "biceps_femoris_short_head"},
    {"rect_fem", "rectus_femoris"},  {"recfem", "rectus_femoris"},
    {"vas_med", "vasti"},            {"vas_int", "vasti"},
    {"vas_lat", "vasti"},            {"vasmed", "vasti"},
    {"vasint", "vasti"},             {"vaslat", "vasti"},
    {"add_long", "adductors"},       {"add_brev", "adductors"},
    {"add_mag", "adductors"},        {"addlong", "adductors"},
    {"addbrev", "adductors"},        {"addmag", "adductors"},
    {"grac", "gracilis"},            {"sar", "sartorius"},
    {"sart", "sartorius"},           {"tfl", "tensor_fasciae_latae"},
    {"pect", "pectineus"},           {"quad_fem", "deep_hip_rotators"},
    {"gem", "deep_hip_rotators"},    {"peri", "deep_hip_rotators"},
    {"piri", "deep_hip_rotators"},   {"med_gas", "gastrocnemius"},
    {"lat_gas", "gastrocnemius"},    {"gasmed", "gastrocnemius"},
    {"gaslat", "gastrocnemius"},     {"soleus", "soleus"},
    {"tib_post", "tibialis_posterior"}, {"tibpost", "tibialis_posterior"},
    {"tib_ant", "tibialis_anterior"},   {"tibant", "tibialis_anterior"},
    {"per_brev", "peronei"},         {"per_long", "peronei"},
    {"per_tert", "peronei"},         {"perbrev", "peronei"},
    {"perlong", "peronei"},          {"flex_dig", "toe_flexors"},
    {"flex_hal", "toe_flexors"},     {"fdl", "toe_flexors"},
    {"fhl", "toe_flexors"},          {"ext_dig", "toe_extensors"},
    {"ext_hal", "toe_extensors"},    {"edl", "toe_extensors"},
    {"ehl", "toe_extensors"},        {"ercspn", "trunk"},
    {"intobl", "trunk"},             {"extobl", "trunk"},
};

const char *hl_groups_anatomical(const char *muscle) {
  char stem[HL_NAME_MAX];
  snprintf(stem, sizeof stem, "%s", muscle ? muscle : "");
  size_t n = strlen(stem);
  if (n > 2 && stem[n - 2] == '_' && (stem[n - 1] == 'r' || stem[n - 1] == 'l')) stem[n -= 2] = '\0';
  /* Longest stem that the name starts with, followed by nothing, digits or a letter suffix of
   * Rajagopal's (e.g. addmagDist). */
  const char *best = NULL;
  size_t bestlen = 0;
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    size_t k = strlen(table[i].stem);
    if (k > bestlen && !strncmp(stem, table[i].stem, k)) {
      const char *rest = stem + k;
      int ok = 1;
      for (const char *p = rest; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))) ok = 0;
      /* "sar" must not swallow unrelated names: allow only digits after a short stem */
      if (ok && k <= 4)
        for (const char *p = rest; *p; p++)
          if (!(*p >= '0' && *p <= '9')) ok = 0;
      if (ok) {
        best = table[i].group;
        bestlen = k;
      }
    }
  }
  return best ? best : "other";
}

int hl_groups_find(const hl_groups *g, const char *group) {
  for (int i = 0; g && group && i < g->ngroup; i++)
    if (!strcmp(g->name[i], group)) return i;
  return -1;
}

/* Index of group `group`, added when new; -1 when out of memory. */
static int add_group(hl_groups *g, const char *group) {
  int k = hl_groups_find(g, group);
  if (k >= 0) return k;
  if (g->ngroup == g->cap) {
    int cap = g->cap ? 2 * g->cap : 16;
    char **nn = realloc(g->name, sizeof(char *) * (size_t)cap);
    if (!nn) return -1;
    g->name = nn;
    g->cap = cap;
  }
  g->name[g->ngroup] = strdup(group);
  if (!g->name[g->ngroup]) return -1;
  return g->ngroup++;
}

void hl_groups_free(hl_groups *g) {
  if (!g) return;
  for (int i = 0; i < g->ngroup; i++) free(g->name[i]);
  free(g->name);
  free(g->mus_group);
  free(g);
}

hl_status hl_groups_default(const hl_model *m, hl_groups **out, hl_error *err) {
  if (!m || !out) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_groups_default: NULL argument");
  *out = NULL;
  hl_groups *g = calloc(1, sizeof *g);
  if (!g) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  g->nmuscle = m->nmuscle;
  g->mus_group = calloc((size_t)(m->nmuscle > 0 ? m->nmuscle : 1), sizeof(int));
  int ok = g->mus_group != NULL;
  /* the four groups the hip report names come first, in a fixed order */
  const char *first[] = {"iliopsoas", "gluteus_maximus", "gluteus_medius", "gluteus_minimus"};
  for (int i = 0; i < 4 && ok; i++) ok = add_group(g, first[i]) >= 0;
  for (int i = 0; i < m->nmuscle && ok; i++) {
    int k = add_group(g, hl_groups_anatomical(m->mus_name[i]));
    ok = k >= 0;
    if (ok) g->mus_group[i] = k;
  }
  if (!ok) {
    hl_groups_free(g);
    return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  }
  *out = g;
  return HL_OK;
}

hl_status hl_groups_assign(const hl_model *m, hl_groups *g, const char *group, const char *muscle,
                           hl_error *err) {
  if (!g || !m || !group || !muscle)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_groups_assign: NULL argument");
  if (g->nmuscle != m->nmuscle)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                        "hl_groups_assign: the groups were made for a model with %d muscles, not %d",
                        g->nmuscle, m->nmuscle);
  size_t len = strlen(group);
  if (len == 0 || len >= HL_GROUP_NAME_MAX)
    return hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0,
                        "muscle group name '%.80s' must have 1 to %d bytes", group, HL_GROUP_NAME_MAX - 1);
  int i = hl_model_muscle(m, muscle);
  if (i < 0) return hl_error_set(err, HL_ERR_NOT_FOUND, NULL, 0, "no muscle '%s' in model '%s'", muscle, m->name);
  int k = add_group(g, group);
  if (k < 0) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  g->mus_group[i] = k;
  return HL_OK;
}
