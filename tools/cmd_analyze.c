/* hipload analyze — one stance from the user's own OpenSim files. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hipload/extloads.h"
#include "hipload/hipload.h"
#include "hipload/model.h"
#include "hipload/storage.h"
#include "hipload/trial.h"
#include "report.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: hipload analyze --model M.osim --coordinates Q.mot --external-loads L.xml --out DIR\n"
          "                       [--leg r|l] [--t0 S --t1 S | --stance auto] [--threshold N]\n"
          "                       [--lowpass HZ] [--exponent P] [--reserves FILE|auto] [--mass KG]\n"
          "                       [--step N] [--name PREFIX]\n\n"
          "Inverse dynamics, static optimization (OpenSim semantics), hip/knee/ankle contact forces and\n"
          "muscle contributions for one stance of your own trial.\n"
          "  --leg r|l          the stance leg (default r)\n"
          "  --t0/--t1          the window in s; default: the stance found in the GRF (vertical force of\n"
          "                     the ExternalForce applied to calcn_<leg> above --threshold, default 20 N)\n"
          "  --lowpass HZ       low-pass the coordinates (OpenSim's filter); default off\n"
          "  --exponent P       static-optimization cost sum |a|^P (default 2)\n"
          "  --reserves FILE    add an OpenSim force-set file (residual/reserve actuators); repeatable.\n"
          "  --reserves auto    add a reserve (optimal force 1) on every unlocked coordinate lacking one;\n"
          "                     the default when the model and files bring no non-muscle actuator\n"
          "  --mass KG          body mass for BW normalisation (default: the model's mass)\n"
          "  --step N           analyse every N-th kinematics row (default 1)\n");
}

static int num_arg(const char *opt, const char *s, double *out) {
  char *end;
  *out = strtod(s, &end);
  if (end == s || *end || !isfinite(*out)) {
    fprintf(stderr, "hipload analyze: %s needs a number, not '%s'\n", opt, s);
    return 0;
  }
  return 1;
}

int hl_cmd_analyze(int argc, char **argv) {
  const char *model = NULL, *coords = NULL, *loads = NULL, *out = NULL;
  const char *reserves[8];
  int nres = 0, auto_res = 0;
  hl_trial_settings ts;
  hl_trial_settings_defaults(&ts);
  ts.name = "hipload";
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    double x;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return 0;
    }
    if (!v) {
      fprintf(stderr, "hipload analyze: '%s' needs a value or is unknown\n", a);
      return 2;
    }
    i++;
    if (!strcmp(a, "--model")) model = v;
    else if (!strcmp(a, "--coordinates")) coords = v;
    else if (!strcmp(a, "--external-loads")) loads = v;
    else if (!strcmp(a, "--out")) out = v;
    else if (!strcmp(a, "--name")) ts.name = v;
    else if (!strcmp(a, "--leg")) {
      if (strcmp(v, "r") && strcmp(v, "l")) {
        fprintf(stderr, "hipload analyze: --leg is r or l, not '%s'\n", v);
        return 2;
      }
      ts.leg = v[0];
    } else if (!strcmp(a, "--stance")) {
      if (strcmp(v, "auto")) {
        fprintf(stderr, "hipload analyze: --stance takes 'auto'\n");
        return 2;
      }
      ts.t0 = ts.t1 = NAN;
    } else if (!strcmp(a, "--reserves")) {
      if (!strcmp(v, "auto")) auto_res = 1;
      else if (nres < 8) reserves[nres++] = v;
    } else if (!strcmp(a, "--t0") || !strcmp(a, "--t1") || !strcmp(a, "--lowpass") || !strcmp(a, "--exponent") ||
               !strcmp(a, "--mass") || !strcmp(a, "--threshold") || !strcmp(a, "--step")) {
      if (!num_arg(a, v, &x)) return 2;
      if (!strcmp(a, "--t0")) ts.t0 = x;
      else if (!strcmp(a, "--t1")) ts.t1 = x;
      else if (!strcmp(a, "--lowpass")) ts.lowpass_hz = x;
      else if (!strcmp(a, "--exponent")) ts.exponent = x;
      else if (!strcmp(a, "--mass")) ts.body_mass = x;
      else if (!strcmp(a, "--threshold")) ts.stance_threshold = x;
      else ts.step_interval = (int)x;
    } else {
      fprintf(stderr, "hipload analyze: unknown option '%s'\n", a);
      usage(stderr);
      return 2;
    }
  }
  if (!model || !coords || !out) {
    fprintf(stderr, "hipload analyze: --model, --coordinates and --out are required "
                    "(the generic scaled model is not available yet)\n");
    usage(stderr);
    return 2;
  }
  if (!(ts.exponent > 1) || (ts.body_mass < 0) || ts.step_interval < 1) {
    fprintf(stderr, "hipload analyze: --exponent must be > 1, --mass ≥ 0, --step ≥ 1\n");
    return 2;
  }
  hl_error err;
  hl_error_clear(&err);
  hl_model *m = NULL;
  hl_table *q = NULL;
  hl_extloads *x = NULL;
  hl_trial *t = NULL;
  int rc = 1;
  hl_status st = hl_model_load(model, &m, &err);
  for (int i = 0; i < nres && !st; i++) st = hl_model_add_force_set(m, reserves[i], 0, &err);
  if (!st && (auto_res || m->nactuator == 0)) st = hl_model_add_reserves(m, 1.0, &err);
  if (!st) st = hl_table_read(coords, &q, &err);
  if (!st && loads) st = hl_extloads_load(loads, NULL, &x, &err);
  if (!st) st = hl_trial_run(m, q, x, &ts, &t, &err);
  if (!st) st = hl_trial_write(t, m, out, &ts, &err);
  if (st) {
    fprintf(stderr, "hipload analyze: %s\n", err.message[0] ? err.message : hl_strerror(st));
    goto done;
  }
  char what[1200];
  snprintf(what, sizeof what, "%s", coords);
  hl_print_trial(stdout, t, m, what);
  printf("\nwrote %s/\n", out);
  rc = 0;
done:
  hl_trial_free(t);
  hl_extloads_free(x);
  hl_table_free(q);
  hl_model_free(m);
  return rc;
}
