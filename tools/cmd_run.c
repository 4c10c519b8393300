/* SPDX-License-Identifier: Apache-2.0 */
/* hipload run — the embedded running stance, end to end, no files needed. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "number.h"
#include "hipload/extloads.h"
#include "hipload/hipload.h"
#include "hipload/model.h"
#include "hipload/sample.h"
#include "hipload/table.h"
#include "hipload/trial.h"
#include "report.h"

static void usage(FILE *f) {
  fprintf(f, "usage: hipload run [--out DIR] [--exponent P] [--opensim-stop] [--no-induced] [--quiet]   (also --opt=value)\n\n"
             "Analyses the embedded right stance of treadmill running at ~3.9 m/s (Hamner, Seth & Delp\n"
             "2010, subject02): inverse dynamics, static optimization, hip/knee/ankle contact forces and\n"
             "each muscle group's contribution. Prints a summary and writes .sto files, a CSV,\n"
             "summary.json and SVG figures to DIR (default hipload-out).\n"
             "  --opensim-stop  static optimization: report where OpenSim's interior-point optimizer\n"
             "                  stops instead of the exact optimum (docs/so-opensim.md)\n"
             "  --no-induced    no induced contributions (docs/induced.md): no InducedContributions,\n"
             "                  InducedGRF files or induced figures, and about twice as fast\n");
}

int hl_cmd_run(int argc, char **argv) {
  const char *out = "hipload-out";
  int quiet = 0;
  hl_trial_settings ts;
  hl_trial_settings_defaults(&ts);
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'},       {"out", required_argument, NULL, 'o'},
                                       {"exponent", required_argument, NULL, 'p'}, {"opensim-stop", no_argument, NULL, 's'},
                                       {"quiet", no_argument, NULL, 'q'},     {"no-induced", no_argument, NULL, 'I'},
                                       {NULL, 0, NULL, 0}};
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    if (c == 'h') {
      usage(stdout);
      return 0;
    } else if (c == 'o') {
      out = optarg;
    } else if (c == 'p') {
      char *end;
      ts.exponent = hl__strtod(optarg, &end);
      if (end == optarg || *end || !(ts.exponent > 1)) {
        fprintf(stderr, "hipload run: --exponent must be a number > 1, not '%s'\n", optarg);
        return 2;
      }
    } else if (c == 's') {
      ts.so_opensim = 1;
    } else if (c == 'q') {
      quiet = 1;
    } else if (c == 'I') {
      ts.induced = 0;
    } else {
      fprintf(stderr, "hipload run: %s option '%s'\n", c == ':' ? "incomplete" : "unknown", argv[optind - 1]);
      usage(stderr);
      return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "hipload run: unexpected argument '%s'\n", argv[optind]);
    usage(stderr);
    return 2;
  }
  hl_sample smp;
  hl_sample_get(&smp);
  hl_error err;
  hl_error_clear(&err);
  hl_model *m = NULL;
  hl_table *q = NULL, *grf = NULL;
  hl_extloads *x = NULL;
  hl_trial *t = NULL;
  int rc = 1;
  hl_status st = hl_model_load_memory(smp.model, smp.model_len, "embedded:hamner2010_s02.osim", &m, &err);
  if (!st) st = hl_table_read_memory(smp.coordinates, smp.coordinates_len, "embedded:hamner2010_s02_q.sto", &q, &err);
  if (!st) st = hl_table_read_memory(smp.grf, smp.grf_len, "embedded:hamner2010_s02_grf.mot", &grf, &err);
  if (!st) {
    st = hl_extloads_load_memory(smp.loads, smp.loads_len, "embedded:hamner2010_s02_grf.xml", grf, &x, &err);
    grf = NULL; /* owned by x now, also on error */
  }
  ts.leg = smp.leg;
  ts.t0 = smp.t0;
  ts.t1 = smp.t1;
  ts.name = "hamner2010_s02";
  ts.step_interval = 5; /* 200 Hz, the frames of the OpenSim 4.6 reference for this stance */
  if (!st) st = hl_trial_run(m, q, x, &ts, &t, &err);
  if (!st) st = hl_trial_write(t, m, out, &ts, &err);
  if (st) {
    fprintf(stderr, "hipload run: %s\n", err.message[0] ? err.message : hl_strerror(st));
    goto done;
  }
  if (!quiet) {
    hl_print_trial(stdout, t, m, smp.description);
    printf("\nwrote %s/: .sto files (OpenSim names), hamner2010_s02_summary.csv, summary.json, "
           "hip_contact.svg, muscle_forces.svg%s\n", out,
           ts.induced ? "; induced: InducedContributions_<joint>.sto, InducedGRF.sto, induced_<joint>.svg" : "");
  }
  rc = 0;
done:
  hl_trial_free(t);
  hl_extloads_free(x);
  hl_table_free(grf);
  hl_table_free(q);
  hl_model_free(m);
  return rc;
}
