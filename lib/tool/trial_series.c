/* SPDX-License-Identifier: Apache-2.0 */
/* A trial's per-frame series (trial.h hl_trial_series): allocation, one frame's store, a frame
 * result's view of one row, and the lookups the summary and the writer share. */
#include <stdlib.h>
#include <string.h>

#include "hipload/groups.h"
#include "record_internal.h"
#include "trial_internal.h"

#define JN 3 /* hip, knee, ankle */

static void *zalloc(size_t n, size_t size) { return calloc(n + 1, size); }

hl_status hl__series_alloc(hl_trial_series *S, const hl_frame_result *L, const hl_extloads *x,
                           int nframe, hl_error *err) {
  memset(S, 0, sizeof *S);
  size_t F = (size_t)nframe, M = (size_t)L->nmuscle, A = M + (size_t)L->nactuator, G = (size_t)L->ngroup;
  S->nframe = nframe;
  S->nmuscle = L->nmuscle, S->nactuator = L->nactuator, S->nlimit = L->nlimit, S->nload = L->nload;
  S->ngroup = L->ngroup;
  S->time = zalloc(F, sizeof(double));
  S->pct = zalloc(F, sizeof(double));
  S->control = zalloc(F * A, sizeof(double));
  S->force = zalloc(F * A, sizeof(double));
  S->so = zalloc(F, sizeof *S->so);
  S->limit_force = zalloc(F * (size_t)S->nlimit, sizeof(double));
  S->limit_energy = zalloc(F * (size_t)S->nlimit, sizeof(double));
  S->loads_record = zalloc(F * 9 * (size_t)S->nload, sizeof(double));
  S->reaction = zalloc(F * JN, sizeof *S->reaction);
  S->muscle_contrib = zalloc(F * JN * M * 6, sizeof(double));
  S->group_contrib = zalloc(F * JN * G * 6, sizeof(double));
  S->group_name = zalloc(G, sizeof(char *));
  S->muscle_group = zalloc(M, sizeof(int));
  S->muscle_crosses = zalloc(JN * M, sizeof(int));
  S->group_crosses = zalloc(JN * G, sizeof(int));
  S->load_prefix = S->nload ? hl__rec_load_prefixes(x) : NULL;
  int ok = S->time && S->pct && S->control && S->force && S->so && S->limit_force && S->limit_energy &&
           S->loads_record && S->reaction && S->muscle_contrib && S->group_contrib && S->group_name &&
           S->muscle_group && S->muscle_crosses && S->group_crosses && (!S->nload || S->load_prefix);
  for (size_t g = 0; g < G && ok; g++) ok = (S->group_name[g] = strdup(L->group_name[g])) != NULL;
  if (!ok) {
    hl__series_free(S);
    return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory (trial series)");
  }
  memcpy(S->muscle_group, L->muscle_group, sizeof(int) * M);
  memcpy(S->muscle_crosses, L->muscle_crosses, sizeof(int) * JN * M);
  memcpy(S->group_crosses, L->group_crosses, sizeof(int) * JN * G);
  hl_status st = hl__series_induced_alloc(S, L, nframe, err);
  if (st) hl__series_free(S);
  return st;
}

void hl__series_store(hl_trial_series *S, int f, const hl_frame_result *r) {
  size_t F = (size_t)f, M = (size_t)S->nmuscle, A = M + (size_t)S->nactuator, G = (size_t)S->ngroup;
  size_t nl = (size_t)S->nlimit, nx = 9 * (size_t)S->nload;
  S->time[f] = r->time;
  memcpy(S->control + F * A, r->control, sizeof(double) * A);
  memcpy(S->force + F * A, r->force, sizeof(double) * A);
  S->so[f] = r->so;
  if (nl) memcpy(S->limit_force + F * nl, r->limit_force, sizeof(double) * nl);
  if (nl) memcpy(S->limit_energy + F * nl, r->limit_energy, sizeof(double) * nl);
  if (nx) memcpy(S->loads_record + F * nx, r->loads_record, sizeof(double) * nx);
  memcpy(S->reaction + F * JN, r->reaction, sizeof *S->reaction * JN);
  memcpy(S->muscle_contrib + F * JN * M * 6, r->muscle_contrib, sizeof(double) * JN * M * 6);
  memcpy(S->group_contrib + F * JN * G * 6, r->group_contrib, sizeof(double) * JN * G * 6);
  hl__series_induced_store(S, f, r);
}

void hl__series_free(hl_trial_series *S) {
  if (!S) return;
  free(S->time);
  free(S->pct);
  free(S->control);
  free(S->force);
  free(S->so);
  free(S->limit_force);
  free(S->limit_energy);
  free(S->loads_record);
  free(S->reaction);
  free(S->muscle_contrib);
  free(S->group_contrib);
  for (int g = 0; S->group_name && g < S->ngroup; g++) free(S->group_name[g]);
  free(S->group_name);
  free(S->muscle_group);
  free(S->muscle_crosses);
  free(S->group_crosses);
  hl__rec_free_prefixes(S->load_prefix, S->nload);
  hl__series_induced_free(S);
  memset(S, 0, sizeof *S);
}

void hl__series_view(const hl_trial_series *S, int f, hl_frame_result *r) {
  memset(r, 0, sizeof *r);
  size_t M = (size_t)S->nmuscle, A = M + (size_t)S->nactuator, G = (size_t)S->ngroup;
  r->nmuscle = S->nmuscle, r->nactuator = S->nactuator, r->nlimit = S->nlimit, r->nload = S->nload;
  r->njoint = JN, r->ngroup = S->ngroup;
  r->group_name = (const char *const *)S->group_name;
  r->muscle_group = S->muscle_group;
  r->muscle_crosses = S->muscle_crosses;
  r->group_crosses = S->group_crosses;
  if (f < 0) return;
  size_t F = (size_t)f;
  r->time = S->time[f];
  r->control = S->control + F * A;
  r->force = S->force + F * A;
  r->so = S->so[f];
  r->limit_force = S->limit_force + F * (size_t)S->nlimit;
  r->limit_energy = S->limit_energy + F * (size_t)S->nlimit;
  r->loads_record = S->loads_record + F * 9 * (size_t)S->nload;
  r->reaction = S->reaction + F * JN;
  r->muscle_contrib = S->muscle_contrib + F * JN * M * 6;
  r->group_contrib = S->group_contrib + F * JN * G * 6;
}

void hl__trial_group_force(const hl_model *m, const hl_trial_series *S, char leg, const char *group,
                           const char *prefix, double *out) {
  size_t A = (size_t)(S->nmuscle + S->nactuator);
  for (int r = 0; r < S->nframe; r++) out[r] = 0;
  for (int k = 0; k < m->nmuscle; k++) {
    const char *nm = m->mus_name[k];
    size_t L = strlen(nm);
    if (L < 2 || nm[L - 2] != '_' || nm[L - 1] != leg) continue;
    if (strcmp(hl_groups_anatomical(nm), group)) continue;
    if (prefix && strncmp(nm, prefix, strlen(prefix))) continue;
    for (int r = 0; r < S->nframe; r++) out[r] += S->force[(size_t)r * A + (size_t)k];
  }
}

int hl__trial_hip_group(const hl_trial_series *S, const char *name) {
  for (int g = 0; g < S->ngroup; g++)
    if (S->group_crosses[g] && !strcmp(S->group_name[g], name)) return g;
  return -1;
}
