/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the .osim model loader from memory. */
#include <stddef.h>
#include <stdint.h>

#include "hipload/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  hl_model *m = NULL;
  hl_error err;
  if (hl_model_load_memory((const char *)data, size, "fuzz.osim", &m, &err) == HL_OK)
    hl_model_free(m);
  return 0;
}
