/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the .osim model loader from memory; a model that loads is then posed (its
 * default coordinates, assembled, and the same with every coordinate bent by 0.7) and its muscle
 * paths, wraps included, computed. */
#include <stddef.h>
#include <stdint.h>

#include <stdlib.h>

#include "hipload/kin.h"
#include "hipload/model.h"
#include "hipload/muscle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  hl_model *m = NULL;
  hl_error err;
  if (hl_model_load_memory((const char *)data, size, "fuzz.osim", &m, &err) != HL_OK) return 0;
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  double *q = calloc((size_t)m->ncoord + 1, sizeof(double));
  for (int pose = 0; d && q && pose < 2; pose++) {
    for (int i = 0; i < m->ncoord; i++) q[i] = m->coord_default[i] + 0.7 * pose;
    hl_model_assemble(m, q, NULL, NULL);
    if (hl_kin_update(m, d, q, NULL, NULL, NULL) == HL_OK) hl_muscle_update(m, d, 0, &err);
  }
  free(q);
  hl_kin_free(d);
  hl_model_free(m);
  return 0;
}
