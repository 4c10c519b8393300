/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — muscle groups for summing contributions.
 *
 * The default groups are anatomical, recognised from the muscle names of the gait2392/Hamner and
 * Rajagopal families (the side suffix _r/_l is ignored): iliopsoas = iliacus + psoas,
 * gluteus_maximus/medius/minimus = their three bundles, hamstrings, vasti, adductors, … Any muscle
 * not recognised goes to "other". Callers may move muscles between groups or create new ones.
 */
#ifndef HIPLOAD_GROUPS_H
#define HIPLOAD_GROUPS_H

#include "hipload/model.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HL_GROUP_MAX 64
#define HL_GROUP_NAME 48

typedef struct hl_groups {
  int ngroup;
  char name[HL_GROUP_MAX][HL_GROUP_NAME];
  int nmuscle;
  int *mus_group; /* nmuscle: group of each muscle (index into name) */
} hl_groups;

/* Default anatomical groups for the model's muscles. */
hl_status hl_groups_default(const hl_model *m, hl_groups **out);
void hl_groups_free(hl_groups *g);

/* Put muscle `muscle` into group `group` (created when new). HL_ERR_NOT_FOUND for an unknown
 * muscle, HL_ERR_RANGE when HL_GROUP_MAX groups exist already. */
hl_status hl_groups_assign(hl_groups *g, const hl_model *m, const char *group, const char *muscle);

/* Index of a group by name, -1 when absent. */
int hl_groups_find(const hl_groups *g, const char *group);

/* The anatomical group a muscle name belongs to ("other" when unknown). */
const char *hl_group_of_name(const char *muscle);

#ifdef __cplusplus
}
#endif
#endif
