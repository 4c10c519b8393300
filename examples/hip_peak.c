/* SPDX-License-Identifier: Apache-2.0 */
/* hip_peak — the smallest complete use of the C API: analyse the embedded running stance and
 * print the hip contact force peak and the gluteus medius share of it. Every call that can fail
 * is checked, and everything made is released on every path.
 *
 *   cc hip_peak.c $(pkg-config --cflags --libs hipload) -o hip_peak && ./hip_peak
 */
#include <stdio.h>

#include <hipload/extloads.h>
#include <hipload/model.h>
#include <hipload/sample.h>
#include <hipload/table.h>
#include <hipload/trial.h>

int main(void) {
  hl_sample s;
  hl_sample_get(&s);
  hl_error err;
  hl_error_clear(&err);
  hl_model *m = NULL;
  hl_table *q = NULL, *grf = NULL;
  hl_extloads *loads = NULL;
  hl_trial *t = NULL;
  hl_status st = hl_model_load_memory(s.model, s.model_len, "sample.osim", &m, &err);
  if (!st) st = hl_table_read_memory(s.coordinates, s.coordinates_len, "sample_q.sto", &q, &err);
  if (!st) st = hl_table_read_memory(s.grf, s.grf_len, "sample_grf.mot", &grf, &err);
  if (!st) {
    st = hl_extloads_load_memory(s.loads, s.loads_len, "sample_grf.xml", grf, &loads, &err);
    grf = NULL; /* the loads own the table now, also after an error */
  }
  hl_trial_settings ts;
  hl_trial_settings_defaults(&ts); /* right leg, stance from the GRF, p = 2 */
  ts.step_interval = 5;            /* 200 Hz frames */
  if (!st) st = hl_trial_run(m, q, loads, &ts, &t, &err);
  if (!st) {
    const hl_trial_summary *S = &t->summary;
    printf("stance %.3f-%.3f s, %d frames\n", S->t0, S->t1, S->nframe);
    printf("hip contact force peak: %.0f N = %.2f BW at %.0f %% stance\n", S->hip.value, S->hip.bw, S->hip.pct);
    printf("gluteus medius at that peak: %.2f BW (%.0f %%)\n", S->named[2].at_peak_bw,
           100 * S->named[2].at_peak_share);
  } else {
    fprintf(stderr, "hip_peak: %s\n", err.message[0] ? err.message : hl_strerror(st));
  }
  hl_trial_free(t);
  hl_extloads_free(loads);
  hl_table_free(grf);
  hl_table_free(q);
  hl_model_free(m);
  return st ? 1 : 0;
}
