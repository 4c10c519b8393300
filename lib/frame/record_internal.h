/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — the OpenSim-named tables of a run, filled row by row from frame results:
 * StaticOptimization activation / force / solver report, JointReaction ReactionLoads, and a
 * ContactContributions table per joint. Shared by the AnalyzeTool adapter (analysis.c) and the
 * trial writer (trial_write.c): the column names are made here and nowhere else, and nobody reads
 * them back. Not installed. */
#ifndef HIPLOAD_RECORD_INTERNAL_H
#define HIPLOAD_RECORD_INTERNAL_H

#include "hipload/frame.h"

typedef struct hl__rec_spec {
  int so;                        /* the three StaticOptimization tables */
  int nload;                     /* external forces recorded in the force table */
  const char *const *load_prefix; /* nload column prefixes, "<applied_to_body>_<name>_" */
  int njoint;                    /* JointReaction columns, one joint each (0: no table) */
  const hl_frame_joint *joint;   /* njoint */
  int contributions;             /* a ContactContributions table per joint */
  const hl_frame_result *layout; /* hl_frame_describe of the workspace that computes the reactions
                                    (crossing tables and groups; copied) */
} hl__rec_spec;

typedef struct hl__rec {
  hl_table *so_force, *so_activation, *so_solver, *jr; /* NULL when not asked for */
  int njoint;
  hl_table **contrib;  /* njoint, NULL entries without contributions */
  int nm, ngroup;
  int *cross;          /* njoint × nm: muscle crosses joint (the contribution columns) */
  int *gcross;         /* njoint × ngroup */
  int *mus_group;      /* nm */
} hl__rec;

/* Empty tables of nframe rows. Errors: HL_ERR_NOMEM. r is cleared first; free it with
 * hl__rec_free also after an error. */
hl_status hl__rec_create(const hl_model *m, const hl__rec_spec *spec, int nframe, hl__rec *r,
                         hl_error *err);

/* Row f from the frame results: so (the StaticOptimization tables; may be NULL when none) and
 * jr (the reactions and contributions; may be NULL when none). They may be the same result. */
void hl__rec_row(hl__rec *r, const hl_model *m, int f, const hl_frame_result *so,
                 const hl_frame_result *jr);

/* Frees the tables still held (a caller that keeps one sets its pointer to NULL first). */
void hl__rec_free(hl__rec *r);

/* Column name text of a ContactContributions table: the joint and bodies, for the file's
 * suffix: "ContactContributions_<joint>" on the child, "..._<joint>_on_<parent>" on the parent. */
void hl__rec_contrib_suffix(const hl_model *m, const hl_frame_joint *j, char *buf, size_t n);

/* The force table's column prefix of every external force (NULL when out of memory or x NULL;
 * free with hl__rec_free_prefixes). */
char **hl__rec_load_prefixes(const hl_extloads *x);
void hl__rec_free_prefixes(char **p, int n);

#endif
