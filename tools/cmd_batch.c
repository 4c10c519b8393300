/* SPDX-License-Identifier: Apache-2.0 */
/* hipload batch — the trials of a manifest CSV, in parallel (lib/tool/batch.c does the work). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "hipload/batch.h"
#include "hipload/hipload.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: hipload batch MANIFEST.csv --out DIR [--jobs N] [--summary-only] [--no-induced]\n\n"
          "Runs every trial of the manifest (one row per trial) in N threads (default: the online CPUs).\n"
          "Each trial's outputs go to DIR/<id>/, one row per trial to DIR/summary.csv (manifest order),\n"
          "wall times to DIR/timing.csv. A failing trial is recorded with its error and the rest go on.\n"
          "--summary-only skips the per-trial folders (summary.csv and timing.csv only).\n"
          "--no-induced skips the induced contributions (docs/induced.md; on by default).\n\n"
          "Manifest columns (header row first; id, model and coordinates required; paths relative to the\n"
          "manifest's folder):\n"
          "  id, model, coordinates, external_loads, reserves (';'-separated force-set files or 'auto'),\n"
          "  leg (r|l), t0, t1 (empty: the stance from the GRF), mass (kg), lowpass (Hz), exponent\n\n"
          "Exit status: 0 all trials succeeded, 1 some failed, 2 usage error or unusable manifest.\n");
}

typedef struct {
  double start;
  int tty;
} progress_state;

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void progress(void *user, int done, int total, int failed) {
  progress_state *p = user;
  if (!p->tty) return;
  const int W = 30;
  int fill = total ? done * W / total : W;
  double el = wall() - p->start, eta = done ? el * (total - done) / done : 0;
  char bar[64];
  for (int i = 0; i < W; i++) bar[i] = i < fill ? '#' : '.';
  bar[W] = '\0';
  fprintf(stderr, "\r[%s] %d/%d", bar, done, total);
  if (failed) fprintf(stderr, " (%d failed)", failed);
  fprintf(stderr, "  %.0fs elapsed, ETA %d:%02d  ", el, (int)(eta + 0.5) / 60, (int)(eta + 0.5) % 60);
  if (done == total) fputc('\n', stderr);
  fflush(stderr);
}

int hl_cmd_batch(int argc, char **argv) {
  const char *manifest = NULL, *out = NULL;
  int jobs = 0, summary_only = 0, induced = 1;
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                       {"summary-only", no_argument, NULL, 'S'},
                                       {"out", required_argument, NULL, 'o'},
                                       {"jobs", required_argument, NULL, 'j'},
                                       {"no-induced", no_argument, NULL, 'I'},
                                       {NULL, 0, NULL, 0}};
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":hj:", opts, NULL)) != -1) {
    if (c == 'h') {
      usage(stdout);
      return 0;
    } else if (c == 'S') summary_only = 1;
    else if (c == 'I') induced = 0;
    else if (c == 'o') out = optarg;
    else if (c == 'j') {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (end == optarg || *end || n < 1 || n > 1024) {
        fprintf(stderr, "hipload batch: --jobs needs a whole number from 1 to 1024, not '%s'\n", optarg);
        return 2;
      }
      jobs = (int)n;
    } else if (c == ':') {
      fprintf(stderr, "hipload batch: %s needs a value\n", argv[optind - 1]);
      return 2;
    } else {
      fprintf(stderr, "hipload batch: unknown option '%s'\n", argv[optind - 1]);
      usage(stderr);
      return 2;
    }
  }
  for (; optind < argc; optind++) {
    if (!manifest) manifest = argv[optind];
    else {
      fprintf(stderr, "hipload batch: one manifest only ('%s' and '%s')\n", manifest, argv[optind]);
      return 2;
    }
  }
  if (!manifest || !out) {
    fprintf(stderr, "hipload batch: a manifest and --out DIR are required\n");
    usage(stderr);
    return 2;
  }
  hl_error err;
  hl_error_clear(&err);
  hl_manifest *mf = NULL;
  hl_status st = hl_batch_manifest_read(manifest, &mf, &err);
  if (st) {
    fprintf(stderr, "hipload batch: %s\n", err.message[0] ? err.message : hl_strerror(st));
    return 2;
  }
  for (int i = 0; i < mf->ntrial; i++) mf->trial[i].settings.induced = induced;
  progress_state ps = {wall(), isatty(STDERR_FILENO)};
  hl_batch_settings bs;
  hl_batch_settings_defaults(&bs);
  bs.jobs = jobs;
  bs.write_outputs = !summary_only;
  bs.progress = progress;
  bs.progress_user = &ps;
  hl_batch_result *res = NULL;
  int nfailed = 0;
  st = hl_batch_run(mf, out, &bs, &res, &nfailed, &err);
  if (st) {
    fprintf(stderr, "hipload batch: %s\n", err.message[0] ? err.message : hl_strerror(st));
    hl_batch_manifest_free(mf);
    return 2;
  }
  long frames = 0;
  for (int i = 0; i < mf->ntrial; i++) {
    if (res[i].status) fprintf(stderr, "hipload batch: trial '%s' failed: %s\n", mf->trial[i].id, res[i].error.message);
    else frames += res[i].summary.nframe;
  }
  double el = wall() - ps.start;
  printf("%d trials (%d ok, %d failed), %ld frames in %.2f s; wrote %s/summary.csv\n", mf->ntrial,
         mf->ntrial - nfailed, nfailed, frames, el, out);
  int rc = nfailed ? 1 : 0;
  free(res);
  hl_batch_manifest_free(mf);
  return rc;
}
