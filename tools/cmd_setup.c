/* SPDX-License-Identifier: Apache-2.0 */
/* hipload setup — run an OpenSim tool setup file (AnalyzeTool: StaticOptimization,
 * JointReaction, MuscleAnalysis; InverseDynamicsTool). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "number.h"
#include "hipload/analyze.h"
#include "hipload/hipload.h"
#include "hipload/idtool.h"
#include "hipload/setup.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: hipload setup SETUP.xml [--out DIR] [--model M.osim] [--forces-file F.sto]\n"
          "                     [--no-contributions] [--wrap-exact] [--allow-unsupported] [--exact]\n\n"
          "Runs an OpenSim tool setup file as OpenSim would and writes the same files:\n"
          "  AnalyzeTool + StaticOptimization  <name>_StaticOptimization_force.sto, _activation.sto\n"
          "  AnalyzeTool + JointReaction       <name>_JointReaction_ReactionLoads.sto and\n"
          "                                    <name>_ContactContributions_<joint>.sto\n"
          "  AnalyzeTool + MuscleAnalysis      <name>_MuscleAnalysis_Length.sto, _MomentArm_<coord>.sto\n"
          "  InverseDynamicsTool               its output_gen_force_file\n"
          "Paths in the setup are relative to the setup file ('\\' accepted). Options take their value\n"
          "as '--opt value' or '--opt=value'.\n"
          "  --out DIR           write into DIR instead of the setup's results_directory\n"
          "  --model M.osim      use this model instead of the setup's model_file\n"
          "  --forces-file F     JointReaction: muscle/actuator forces from F instead of forces_file\n"
          "  --no-contributions  do not write the contact-contribution files\n"
          "  --wrap-exact        wrapped paths: the exact shortest path over cylinders instead of\n"
          "                      OpenSim 4.6's tangent-point placement (docs/wrapping.md)\n"
          "  --allow-unsupported do what can be done, knowingly: a MuscleAnalysis with\n"
          "                      compute_moments writes lengths and moment arms only\n"
          "  --exact             StaticOptimization: report the exact optimum instead of the point\n"
          "                      where OpenSim's interior-point optimizer stops (muscles near a bound\n"
          "                      differ by a few newtons; docs/so-opensim.md)\n"
          "  --so-mu MU          StaticOptimization: the barrier parameter of that point (default\n"
          "                      0.3 x the setup's optimizer_convergence_criterion)\n");
}

int hl_cmd_setup(int argc, char **argv) {
  const char *path = NULL;
  hl_analyze_options o;
  hl_analyze_options_defaults(&o);
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                       {"out", required_argument, NULL, 'o'},
                                       {"model", required_argument, NULL, 'm'},
                                       {"forces-file", required_argument, NULL, 'f'},
                                       {"no-contributions", no_argument, NULL, 'C'},
                                       {"allow-unsupported", no_argument, NULL, 'U'},
                                       {"wrap-exact", no_argument, NULL, 'w'},
                                       {"exact", no_argument, NULL, 'e'},
                                       {"so-mu", required_argument, NULL, 'u'},
                                       {NULL, 0, NULL, 0}};
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    if (c == 'h') {
      usage(stdout);
      return 0;
    } else if (c == 'o') o.out_dir = optarg;
    else if (c == 'm') o.model_file = optarg;
    else if (c == 'f') o.forces_file = optarg;
    else if (c == 'C') o.contributions = 0;
    else if (c == 'U') o.allow_unsupported = 1;
    else if (c == 'w') o.wrap_exact = 1;
    else if (c == 'e') o.so_exact = 1;
    else if (c == 'u') {
      char *end;
      o.so_mu = hl__strtod(optarg, &end);
      if (end == optarg || *end || !(o.so_mu > 0) || !isfinite(o.so_mu)) {
        fprintf(stderr, "hipload setup: --so-mu needs a number > 0, not '%s'\n", optarg);
        return 2;
      }
    } else {
      fprintf(stderr, "hipload setup: unknown or incomplete option '%s'\n", argv[optind - 1]);
      usage(stderr);
      return 2;
    }
  }
  for (; optind < argc; optind++) {
    if (!path) path = argv[optind];
    else {
      fprintf(stderr, "hipload setup: more than one setup file given ('%s')\n", argv[optind]);
      return 2;
    }
  }
  if (!path) {
    usage(stderr);
    return 2;
  }
  hl_error err;
  hl_error_clear(&err);
  hl_tool_kind kind = HL_TOOL_UNKNOWN;
  if (hl_setup_kind(path, &kind, &err)) {
    fprintf(stderr, "hipload setup: %s\n", err.message);
    return 1;
  }
  if (kind == HL_TOOL_INVERSE_DYNAMICS) {
    hl_status st = hl_idtool_run(path, o.out_dir, &err);
    if (st) {
      fprintf(stderr, "hipload setup: %s\n", err.message[0] ? err.message : hl_strerror(st));
      return 1;
    }
    printf("inverse dynamics: done (%s)\n", path);
    return 0;
  }
  hl_analyze_setup *s = NULL;
  hl_status st = hl_setup_read(path, &s, &err);
  if (st) {
    fprintf(stderr, "hipload setup: %s\n", err.message);
    return 1;
  }
  hl_analyze_report rep;
  st = hl_analyze_run(s, &o, &rep, &err);
  if (st) {
    fprintf(stderr, "hipload setup: %s\n", err.message[0] ? err.message : hl_strerror(st));
    hl_setup_free(s);
    return 1;
  }
  printf("%s: %d frames, %.6g to %.6g s, %.3f s\n", s->name, rep.nframe, rep.t0, rep.t1, rep.seconds);
  if (s->has_so)
    printf("static optimization: %d frames in least squares, max residual %.3g, max iterations %d, "
           "largest reserve %.3g (%s)\n",
           rep.so_least_squares, rep.so_max_residual, rep.so_max_iterations, rep.so_max_reserve,
           rep.so_max_reserve_name[0] ? rep.so_max_reserve_name : "-");
  for (int i = 0; i < rep.nfiles; i++) printf("wrote %s\n", rep.files[i]);
  hl_analyze_report_clear(&rep);
  hl_setup_free(s);
  return 0;
}
