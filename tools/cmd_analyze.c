/* SPDX-License-Identifier: Apache-2.0 */
/* hipload analyze — one stance from the user's own OpenSim files. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "extloads_internal.h"
#include "number.h"
#include "hipload/extloads.h"
#include "hipload/hipload.h"
#include "hipload/model.h"
#include "hipload/sample.h"
#include "hipload/model.h"
#include "hipload/table.h"
#include "hipload/trial.h"
#include "report.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: hipload analyze --model M.osim --coordinates Q.mot --external-loads L.xml --out DIR\n"
          "                       [--leg r|l] [--t0 S --t1 S | --stance auto] [--threshold N]\n"
          "                       [--lowpass HZ] [--exponent P] [--reserves FILE|auto] [--mass KG]\n"
          "                       [--step N] [--name PREFIX] [--opensim-stop]\n"
          "       hipload analyze --mass KG [--height M] --coordinates Q.mot --external-loads L.xml --out DIR ...\n\n"
          "Inverse dynamics, static optimization (OpenSim semantics), hip/knee/ankle contact forces and\n"
          "muscle contributions for one stance of your own trial.\n"
          "  --model M.osim     your OpenSim model. Without it: the embedded generic model (Hamner 2010\n"
          "                     full-body running model, subject02, 92 muscles, with its residual and\n"
          "                     reserve actuators) scaled uniformly to --mass and --height. Its\n"
          "                     coordinates use the gait2392/Hamner names (pelvis_tilt ... hip_flexion_r,\n"
          "                     knee_angle_r, ankle_angle_r ..., lumbar_extension, arm_flex_r ...):\n"
          "                     the --coordinates file must name its columns that way.\n"
          "  --mass KG          body mass. With --model: for BW normalisation only (default: the model's\n"
          "                     mass). Without --model: the generic model is scaled to it.\n"
          "  --height M         without --model only: length factor = height / %.2f m. If one of --mass\n"
          "                     and --height is missing it is set from the other, keeping the generic\n"
          "                     model's body-mass index (its mass / %.2f^2 m^2).\n"
          "  --leg r|l          the stance leg (default r)\n"
          "  --t0/--t1          the window in s; default: the stance found in the GRF (vertical force of\n"
          "                     the ExternalForce applied to calcn_<leg> above --threshold, default 20 N)\n"
          "  --lowpass HZ       low-pass the coordinates (OpenSim's filter); default off\n"
          "  --exponent P       static-optimization cost sum |a|^P (default 2)\n"
          "  --reserves FILE    add an OpenSim force-set file (residual/reserve actuators); repeatable.\n"
          "  --reserves auto    add a reserve (optimal force 1) on every unlocked coordinate lacking one;\n"
          "                     the default when the model and files bring no non-muscle actuator\n"
          "  --step N           analyse every N-th kinematics row (default 1)\n"
          "  --opensim-stop     static optimization: report where OpenSim's interior-point optimizer\n"
          "                     stops instead of the exact optimum (docs/so-opensim.md)\n"
          "  --no-induced       no induced contributions (docs/induced.md; on by default)\n"
          "Options take their value as '--opt value' or '--opt=value'.\n"
          "Exit status: 0 done, 1 the analysis failed (the message names the file), 2 usage error.\n"
          "On any error no output folder is left behind (an existing one is left as it was).\n",
          HL_SAMPLE_HEIGHT_M, HL_SAMPLE_HEIGHT_M);
}

static int num_arg(const char *opt, const char *s, double *out) {
  char *end;
  *out = hl__strtod(s, &end);
  if (end == s || *end || !isfinite(*out)) {
    fprintf(stderr, "hipload analyze: %s needs a number, not '%s'\n", opt, s);
    return 0;
  }
  return 1;
}

/* Without --model: the embedded sample's model, scaled uniformly to the subject. Missing mass or
 * height is set from the other so the body-mass index stays the generic model's. */
static hl_status generic_model(double mass, double height, hl_model **out, double *mass_out, double *height_out,
                               hl_error *err) {
  hl_sample smp;
  hl_sample_get(&smp);
  hl_model *m = NULL;
  hl_status st = hl_model_load_memory(smp.model, smp.model_len, "embedded:hamner2010_s02.osim", &m, err);
  if (st) return st;
  double m0 = hl_model_mass(m), h0 = HL_SAMPLE_HEIGHT_M, bmi = m0 / (h0 * h0);
  if (!(height > 0)) height = sqrt(mass / bmi);
  if (!(mass > 0)) mass = bmi * height * height;
  st = hl_model_scale(m, height / h0, mass / m0, err);
  if (st) {
    hl_model_free(m);
    return st;
  }
  /* the name goes into every output header: say what was done to the model */
  char name[sizeof m->name];
  snprintf(name, sizeof name, "%.60s scaled to %.1f kg, %.3f m", m->name, mass, height);
  memcpy(m->name, name, sizeof name);
  *out = m;
  *mass_out = mass;
  *height_out = height;
  return HL_OK;
}

int hl_cmd_analyze(int argc, char **argv) {
  const char *model = NULL, *coords = NULL, *loads = NULL, *out = NULL;
  const char *reserves[8];
  int nres = 0, auto_res = 0;
  double height = 0;
  hl_trial_settings ts;
  hl_trial_settings_defaults(&ts);
  ts.name = "hipload";
  static const struct option opts[] = {
      {"help", no_argument, NULL, 'h'},        {"opensim-stop", no_argument, NULL, 'S'},
      {"model", required_argument, NULL, 'm'}, {"coordinates", required_argument, NULL, 'c'},
      {"external-loads", required_argument, NULL, 'x'}, {"out", required_argument, NULL, 'o'},
      {"name", required_argument, NULL, 'n'},  {"leg", required_argument, NULL, 'l'},
      {"stance", required_argument, NULL, 's'}, {"reserves", required_argument, NULL, 'r'},
      {"t0", required_argument, NULL, '0'},    {"t1", required_argument, NULL, '1'},
      {"lowpass", required_argument, NULL, 'f'}, {"exponent", required_argument, NULL, 'p'},
      {"mass", required_argument, NULL, 'M'},  {"height", required_argument, NULL, 'H'},
      {"threshold", required_argument, NULL, 'T'}, {"step", required_argument, NULL, 'k'},
      {"no-induced", no_argument, NULL, 'I'},  {NULL, 0, NULL, 0}};
  int c, idx = 0;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", opts, &idx)) != -1) {
    const char *v = optarg;
    double x;
    if (c == 'h') {
      usage(stdout);
      return 0;
    } else if (c == 'S' || c == 'I') {
      *(c == 'S' ? &ts.so_opensim : &ts.induced) = c == 'S';
    } else if (c == '?' || c == ':') {
      fprintf(stderr, "hipload analyze: '%s' %s\n", argv[optind - 1], c == ':' ? "needs a value" : "is an unknown option");
      usage(stderr);
      return 2;
    } else if (c == 'm') model = v;
    else if (c == 'c') coords = v;
    else if (c == 'x') loads = v;
    else if (c == 'o') out = v;
    else if (c == 'n') ts.name = v;
    else if (c == 'l') {
      if (strcmp(v, "r") && strcmp(v, "l")) {
        fprintf(stderr, "hipload analyze: --leg is r or l, not '%s'\n", v);
        return 2;
      }
      ts.leg = v[0];
    } else if (c == 's') {
      if (strcmp(v, "auto")) {
        fprintf(stderr, "hipload analyze: --stance takes 'auto', not '%s'\n", v);
        return 2;
      }
      ts.t0 = ts.t1 = NAN;
    } else if (c == 'r') {
      if (!strcmp(v, "auto")) auto_res = 1;
      else if (nres < 8) reserves[nres++] = v;
      else {
        fprintf(stderr, "hipload analyze: at most 8 --reserves files\n");
        return 2;
      }
    } else {
      char opt[64];
      snprintf(opt, sizeof opt, "--%s", opts[idx].name);
      if (!num_arg(opt, v, &x)) return 2;
      if (c == '0') ts.t0 = x;
      else if (c == '1') ts.t1 = x;
      else if (c == 'f') ts.lowpass_hz = x;
      else if (c == 'p') ts.exponent = x;
      else if (c == 'M') ts.body_mass = x;
      else if (c == 'H') height = x;
      else if (c == 'T') ts.stance_threshold = x;
      else if (x >= 1 && x <= 1e6 && x == floor(x)) ts.step_interval = (int)x;
      else {
        fprintf(stderr, "hipload analyze: --step is a whole number of rows ≥ 1, not '%s'\n", v);
        return 2;
      }
    }
  }
  if (optind < argc) {
    fprintf(stderr, "hipload analyze: unexpected argument '%s'\n", argv[optind]);
    usage(stderr);
    return 2;
  }
  if (!coords || !out) {
    fprintf(stderr, "hipload analyze: --coordinates and --out are required\n");
    usage(stderr);
    return 2;
  }
  if (!(ts.exponent > 1) || (ts.body_mass < 0) || height < 0) {
    fprintf(stderr, "hipload analyze: --exponent must be > 1, --mass and --height > 0\n");
    return 2;
  }
  if (model && height > 0) {
    fprintf(stderr, "hipload analyze: --height scales the generic model; it cannot be used with --model\n");
    return 2;
  }
  if (!model && !(ts.body_mass > 0) && !(height > 0)) {
    fprintf(stderr, "hipload analyze: without --model, give --mass KG and/or --height M to scale the generic model\n");
    return 2;
  }
  if (!model && ((ts.body_mass > 0 && (ts.body_mass < 20 || ts.body_mass > 300)) ||
                 (height > 0 && (height < 0.9 || height > 2.5)))) {
    fprintf(stderr, "hipload analyze: --mass %g kg / --height %g m is outside 20-300 kg / 0.9-2.5 m\n", ts.body_mass,
            height);
    return 2;
  }
  if (!isnan(ts.t0) && !isnan(ts.t1) && !(ts.t0 < ts.t1)) {
    fprintf(stderr, "hipload analyze: --t0 %g s must be before --t1 %g s\n", ts.t0, ts.t1);
    return 2;
  }
  hl_error err;
  hl_error_clear(&err);
  hl_model *m = NULL;
  hl_table *q = NULL;
  hl_extloads *x = NULL;
  hl_trial *t = NULL;
  int rc = 1;
  double mass = ts.body_mass;
  hl_status st = model ? hl_model_load(model, &m, &err) : generic_model(ts.body_mass, height, &m, &mass, &height, &err);
  if (!model && !st) ts.body_mass = mass;
  for (int i = 0; i < nres && !st; i++) st = hl_model_add_force_set(m, reserves[i], 0, &err);
  if (!st && (auto_res || m->nactuator == 0)) st = hl_model_add_reserves(m, 1.0, &err);
  if (!st) st = hl_table_read(coords, &q, &err);
  if (!st && loads) /* only the GRF rows of the kinematics' time span */
    st = hl__extloads_load_window(loads, NULL, hl_table_time(q, 0), hl_table_time(q, q->nrow - 1),
                                  HL_EXTLOADS_PAD, &x, &err);
  if (!st) {
    st = hl_trial_run(m, q, x, &ts, &t, &err);
    /* the trial's window messages speak of "the kinematics": say which file that is */
    if (st && !err.file[0]) {
      char msg[sizeof err.message];
      snprintf(msg, sizeof msg, "%s", err.message);
      hl_error_set(&err, st, coords, 0, "%s", msg);
    }
  }
  if (!st) st = hl_trial_write(t, m, out, &ts, &err);
  if (st) {
    fprintf(stderr, "hipload analyze: %s\n", err.message[0] ? err.message : hl_strerror(st));
    goto done;
  }
  char what[1200];
  if (model) snprintf(what, sizeof what, "%s", coords);
  else
    snprintf(what, sizeof what, "%s (generic model scaled to %.1f kg, %.2f m)", coords, mass, height);
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
