/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the ExternalLoads XML reader, over a small fixed GRF table whose columns
 * follow the usual identifiers (ground_force_v*, ground_force_p*, ground_torque_*, with and
 * without the "1_" and "r_" prefixes), so mutated identifiers can both match and miss. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hipload/extloads.h"

static const char *const k_grf =
    "grf\nversion=1\nnRows=3\nnColumns=10\ninDegrees=no\nendheader\n"
    "time\tground_force_vx\tground_force_vy\tground_force_vz\tground_force_px\tground_force_py\t"
    "ground_force_pz\tground_torque_x\tground_torque_y\tground_torque_z\n"
    "0.0\t1\t700\t2\t0.1\t0\t0.2\t0\t3\t0\n"
    "0.1\t2\t800\t3\t0.2\t0\t0.3\t0\t4\t0\n"
    "0.2\t3\t600\t4\t0.3\t0\t0.4\t0\t5\t0\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  hl_table *grf = NULL;
  if (hl_table_read_memory(k_grf, strlen(k_grf), "grf.mot", &grf, NULL) != HL_OK) return 0;
  hl_extloads *x = NULL;
  hl_error err;
  /* Ownership of grf passes to the call, also on error. */
  hl_status st = hl_extloads_load_memory((const char *)data, size, "fuzz.xml", grf, &x, &err);
  if (st == HL_OK && x) {
    double f[3], p[3], m[3];
    for (int i = 0; i < x->nforce; i++) hl_extloads_eval(x, i, 0.05, f, p, m);
  }
  hl_extloads_free(x);
  return 0;
}
