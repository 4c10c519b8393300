/* SPDX-License-Identifier: Apache-2.0 */
/* The induced-contributions stage of hl_frame_step (frame.h; the engine is induced.h): the feet
 * from the external loads, one hl_induced_frame, and its results laid out as the frame result
 * gives them (joint-major, group sums). Everything is sized in hl__frame_induced_create. */
#include "frame_induced.h"

#include <stdlib.h>
#include <string.h>

struct hl__frame_induced {
  hl_induced *ind;
  int nj, K, nm, ngroup, nfoot;
  const int *mus_group;     /* the workspace's (lives as long as it) */
  const char **name;        /* K */
  int *kind;                /* K */
  double *jr, *direct;      /* nj × K × 6 */
  double *group;            /* nj × ngroup × 6 */
  int foot_body[HL_INDUCED_MAX_FEET];
  int foot_flags[HL_INDUCED_MAX_FEET];
  hl_induced_foot feet[HL_INDUCED_MAX_FEET];
};

void hl__frame_induced_free(hl__frame_induced *fi) {
  if (!fi) return;
  hl_induced_free(fi->ind);
  free(fi->name);
  free(fi->kind);
  free(fi->jr);
  free(fi->direct);
  free(fi->group);
  free(fi);
}

hl_status hl__frame_induced_create(const hl_model *m, const hl_frame_settings *s, const hl_frame_joint *joint,
                                   const int *mus_group, int ngroup, hl__frame_induced **out, hl_error *err) {
  *out = NULL;
  int nload = s->loads ? s->loads->nforce : 0;
  if (nload > HL_INDUCED_MAX_FEET)
    return hl_error_set(err, HL_ERR_UNSUPPORTED, s->loads->datafile, 0,
                        "induced contributions: the external loads have %d ExternalForces, at most %d can be "
                        "contact candidates (turn induced contributions off: --no-induced)", nload,
                        HL_INDUCED_MAX_FEET);
  hl_induced_joint *jt = calloc((size_t)s->njoint + 1, sizeof *jt);
  hl__frame_induced *fi = calloc(1, sizeof *fi);
  if (!jt || !fi) {
    free(jt), free(fi);
    return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  }
  for (int j = 0; j < s->njoint; j++) jt[j] = (hl_induced_joint){joint[j].joint, joint[j].on_parent, joint[j].frame};
  hl_status st = hl_induced_create(m, &s->induced_settings, jt, s->njoint, &fi->ind, err);
  free(jt);
  if (st) {
    free(fi);
    return st;
  }
  fi->nj = s->njoint, fi->K = hl_induced_ncontrib(fi->ind), fi->nm = m->nmuscle, fi->ngroup = ngroup;
  fi->mus_group = mus_group;
  size_t JK6 = (size_t)fi->nj * (size_t)fi->K * 6 + 1;
  fi->name = calloc((size_t)fi->K + 1, sizeof *fi->name);
  fi->kind = calloc((size_t)fi->K + 1, sizeof *fi->kind);
  fi->jr = calloc(JK6, sizeof(double));
  fi->direct = calloc(JK6, sizeof(double));
  fi->group = calloc((size_t)fi->nj * (size_t)ngroup * 6 + 1, sizeof(double));
  if (!fi->name || !fi->kind || !fi->jr || !fi->direct || !fi->group) {
    hl__frame_induced_free(fi);
    return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory (induced contributions)");
  }
  for (int k = 0; k < fi->K; k++) {
    fi->name[k] = hl_induced_name(m, fi->ind, k);
    fi->kind[k] = (int)hl_induced_kind_of(fi->ind, k, NULL);
  }
  fi->nfoot = nload;
  for (int i = 0; i < nload; i++) fi->foot_body[i] = hl_model_body(m, s->loads->force[i].applied_to_body);
  *out = fi;
  return HL_OK;
}

void hl__frame_induced_describe(const hl__frame_induced *fi, hl_frame_result *r) {
  if (!fi) return;
  r->ncontributor = fi->K;
  r->contributor_name = fi->name;
  r->contributor_kind = fi->kind;
  r->nfoot = fi->nfoot;
  r->foot_body = fi->foot_body;
}

hl_status hl__frame_induced_step(const hl_model *m, hl__frame_induced *fi, const hl_data *d,
                                 const hl_extloads *loads, const hl_invdyn_extmap *map, double time,
                                 const double *force, const double *ext, hl_frame_result *r, hl_error *err) {
  int nfoot = loads ? hl_induced_feet(m, d, loads, map, time, fi->feet, HL_INDUCED_MAX_FEET) : 0;
  hl_induced_input in = {force, force + fi->nm, fi->feet, nfoot, 1, ext};
  hl_induced_result res;
  hl_status st = hl_induced_frame(m, fi->ind, d, &in, &res, err);
  if (st) return st;
  int K = fi->K, nj = fi->nj, G = fi->ngroup;
  for (int j = 0; j < nj; j++) {
    double *gs = fi->group + (size_t)j * G * 6;
    memset(gs, 0, sizeof(double) * 6 * (size_t)G);
    for (int k = 0; k < K; k++) {
      const double *a = res.jr + ((size_t)k * nj + j) * 6, *b = res.jr_direct + ((size_t)k * nj + j) * 6;
      double *o = fi->jr + ((size_t)j * K + k) * 6;
      memcpy(o, a, 6 * sizeof(double));
      memcpy(fi->direct + ((size_t)j * K + k) * 6, b, 6 * sizeof(double));
      if (k < fi->nm)
        for (int i = 0; i < 6; i++) gs[6 * (size_t)fi->mus_group[k] + i] += a[i];
    }
  }
  for (int f = 0; f < nfoot; f++) {
    fi->foot_flags[f] = res.foot_flags[f];
    if (res.foot_flags[f] & (HL_FOOT_COP_FAR | HL_FOOT_BAD_INPUT)) r->flags |= HL_FRAME_INDUCED_FOOT_UNUSED;
  }
  if (res.rank_deficient) r->flags |= HL_FRAME_INDUCED_RANK_DEFICIENT;
  r->induced = fi->jr;
  r->induced_direct = fi->direct;
  r->induced_group = fi->group;
  r->induced_foot_flags = fi->foot_flags;
  r->induced_rows = res.nrow;
  r->induced_rank = res.rank;
  r->induced_grf = res.grf;
  r->induced_com = res.com_acc;
  return HL_OK;
}
