/* SPDX-License-Identifier: Apache-2.0 */
/* hipload-bench — speed and scale of the whole per-frame pipeline on real trials (issue 8).
 *
 *   hipload-bench [--quick] [--data DIR] [--no-slsqp] [--slsqp-frames N] [--dump FILE]
 *
 * Per case (walk-jr: gait2392, 92 muscles, 23 coordinates; run-4ms: 92 muscles, 37 coordinates;
 * walk-rajagopal-so: Rajagopal 2016, 80 muscles of which 42 wrap over 40 cylinders, 25 coordinates
 * with two patella couplers, the right stance):
 *   file reading (coordinates, GRF + ExternalLoads), model load (+ force set), then the library's
 *   own pipeline, hl_frame_step (frame.h) — the call `hipload run/analyze/setup` make — with
 *   static optimization and hip_r, the knee and ankle_r on the child in the child frame with every
 *   muscle's and group's contribution: its stages timed inside it (frame_internal.h's clock:
 *   kinematics + muscle geometry, inverse dynamics with the GRF interpolation, static optimization
 *   warm and cold, joint reaction + contributions), and the whole call in frames/s on one core
 *   (no file writing). Then, on walk-jr: the trial tiled to 10²..10⁵ frames (streaming, the same
 *   workspaces, no per-frame allocation) with time and peak memory (getrusage ru_maxrss), 1 and 2
 *   threads on one batch (one workspace set per thread, the model shared read-only) with the
 *   speed-up and a bit-for-bit comparison of the answers, and the SciPy SLSQP baseline on the real
 *   walk-jr SO matrices (bench/slsqp_compare.py, when /usr/bin/python3 has scipy).
 * The last line is `pipeline: <N> frames/s per core` (walk-jr).
 * --dump FILE: instead of timing, write every frame's answers of every case (SO controls, the three
 * joint forces; %.17g, one line per frame, warm from a fresh workspace) so that a speed change can
 * be checked against the previous tree (bench/dump_diff.py); FILE.<case>.qp gets every frame's SO
 * problem in bench_qp's dump format (docs/solver.md) and FILE.<case>.qp.x our answers.
 * --loop CASE SECONDS: only the whole pipeline of CASE (walk-jr, run-4ms, walk-rajagopal-so), tiled and warm, for
 * about SECONDS of CPU time — something for perf record / valgrind to look at. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "hipload/coupler.h"
#include "hipload/force.h"
#include "hipload/frame.h"
#include "hipload/invdyn.h"
#include "hipload/model.h"
#include "hipload/motion.h"
#include "hipload/so.h"
#include "frame_internal.h" /* the stage clock and the SO workspace of a frame */
#include "qp_internal.h"    /* hl__qp_solve_cols_trusted, the entry hl_so_solve uses */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static const char *loadavg(void) {
  static char buf[64] = "?";
  FILE *fp = fopen("/proc/loadavg", "r");
  if (fp) {
    if (fgets(buf, sizeof buf, fp)) buf[strcspn(buf, " ")] = 0;
    fclose(fp);
  }
  return buf;
}

/* CPU time of the calling thread: single-core figures stay honest on a shared machine. */
static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The cost of one cpu_s() reading (a system call under KVM: ~0.5 µs here, no vDSO for the thread
 * clock). A stage timed between two readings carries one reading's cost, which the per-stage
 * figures take off. Median of 7 batches of 2000 back-to-back readings. */
static double timer_cost(void) {
  double v[7];
  for (int k = 0; k < 7; k++) {
    double a = cpu_s(), s = 0;
    for (int i = 0; i < 2000; i++) s += cpu_s();
    v[k] = (cpu_s() - a) / 2001.0 + (s < 0 ? 1 : 0);
  }
  for (int i = 1; i < 7; i++)
    for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
      double t = v[j];
      v[j] = v[j - 1];
      v[j - 1] = t;
    }
  return v[3];
}

static double peak_mb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_maxrss / 1024.0; /* Linux: kB */
}

typedef struct bcase {
  const char *label, *model, *forces, *coords, *loads;
  double t0, t1, lowpass;
  int step;
  const char *knee; /* the knee joint's name (NULL: knee_r) */
} bcase;

/* A loaded trial: the shared read-only model and the per-frame inputs. */
typedef struct trial {
  hl_model *m;
  hl_motion *mo;
  hl_extloads *x;
  hl_frame_joint joint[3]; /* hip_r, knee_r, ankle_r on the child, in the child frame */
  double read_ms, load_ms;
} trial;

/* One thread's workspace: the library's frame (frame.h), and its last result. */
typedef struct work {
  hl_frame *w;
  hl_frame_result r;
} work;

static void work_free(work *w) {
  hl_frame_free(w->w);
  memset(w, 0, sizeof *w);
}

/* The pipeline hipload runs for a trial: static optimization (warm start or not, exact or at a
 * barrier point), then hip, knee and ankle reactions with every muscle's and group's
 * contribution. */
static int work_init_ind(work *w, const trial *T, int warm, double barrier_mu, int induced) {
  memset(w, 0, sizeof *w);
  hl_frame_settings fs;
  hl_frame_settings_defaults(&fs);
  fs.induced = induced;
  fs.so.qp.warm_start = warm;
  fs.so.barrier_mu = barrier_mu;
  fs.loads = T->x;
  fs.njoint = 3;
  fs.joint = T->joint;
  fs.allow_unsupported = 0; /* wrapped paths as OpenSim 4.6 (the gait2392 cases have none) */
  hl_error err;
  if (hl_frame_create(T->m, &fs, &w->w, &err)) {
    fprintf(stderr, "hipload-bench: %s\n", err.message);
    return 0;
  }
  return 1;
}

/* Without induced contributions (the rows below time them apart: induced_row). */
static int work_init(work *w, const trial *T, int warm, double barrier_mu) {
  return work_init_ind(w, T, warm, barrier_mu, 0);
}

/* Stage times (seconds, summed) of one pass: kinematics + muscle geometry, inverse dynamics (with
 * the external loads), static optimization, joint reaction + contributions (frame_internal.h). */
typedef struct stages {
  double t[4];
  long so_iter, so_frames, so_iter_max;
} stages;

/* hl_frame_step on frame f of the trial. out (may be NULL): 9 numbers, the three joints' reaction
 * forces. st (may be NULL): stage times are added. Returns 0 on success. */
static int frame(const trial *T, work *w, int f, double *out, stages *st) {
  const hl_motion *mo = T->mo;
  size_t o = (size_t)f * T->m->ncoord;
  hl_frame_input in = {mo->t[f], mo->q + o, mo->qd + o, mo->qdd + o, NULL, NULL};
  hl_error err;
  hl__frame_set_clock(w->w, st ? cpu_s : NULL, st ? st->t : NULL);
  if (hl_frame_step(T->m, w->w, &in, &w->r, &err)) {
    fprintf(stderr, "hipload-bench: %s\n", err.message);
    return 1;
  }
  if (st) {
    st->so_iter += w->r.so.iterations;
    st->so_frames++;
    if (w->r.so.iterations > st->so_iter_max) st->so_iter_max = w->r.so.iterations;
  }
  if (out)
    for (int j = 0; j < 3; j++) memcpy(out + 3 * j, w->r.reaction[j].f, 3 * sizeof(double));
  return 0;
}

static int trial_load(const char *dir, const bcase *c, trial *T) {
  char p1[2048], p2[2048];
  hl_error err;
  hl_table *coords = NULL;
  memset(T, 0, sizeof *T);
  double a = now_s();
  snprintf(p1, sizeof p1, "%s/%s", dir, c->coords);
  snprintf(p2, sizeof p2, "%s/%s", dir, c->loads);
  if (hl_table_read(p1, &coords, &err) || hl_extloads_load(p2, NULL, &T->x, &err)) goto fail;
  double b = now_s();
  snprintf(p1, sizeof p1, "%s/%s", dir, c->model);
  snprintf(p2, sizeof p2, "%s/%s", dir, c->forces);
  if (hl_model_load(p1, &T->m, &err) || hl_model_add_force_set(T->m, p2, 0, &err)) goto fail;
  double e = now_s();
  T->read_ms = 1e3 * (b - a);
  T->load_ms = 1e3 * (e - b);
  hl_motion_settings ms;
  hl_motion_settings_defaults(&ms);
  ms.t0 = c->t0;
  ms.t1 = c->t1;
  ms.lowpass_hz = c->lowpass;
  ms.step_interval = c->step;
  ms.acc = HL_MOTION_ACC_SPEEDSPLINE;
  if (hl_motion_create(T->m, coords, &ms, &T->mo, &err)) goto fail;
  hl_table_free(coords);
  const char *jn[3] = {"hip_r", c->knee ? c->knee : "knee_r", "ankle_r"};
  for (int j = 0; j < 3; j++) {
    int jj = hl_model_joint(T->m, jn[j]);
    if (jj < 0) {
      fprintf(stderr, "%s: no joint %s\n", c->label, jn[j]);
      return 0;
    }
    T->joint[j] = (hl_frame_joint){jj, 0, T->m->jnt_child[jj]};
  }
  return 1;
fail:
  fprintf(stderr, "%s: %s\n", c->label, err.message);
  hl_table_free(coords);
  return 0;
}

static void trial_free(trial *T) {
  hl_extloads_free(T->x);
  hl_motion_free(T->mo);
  hl_model_free(T->m);
}

/* Whole passes over the trial with per-stage timing into st, for at least min_time CPU seconds.
 * Returns the frames run, -1 when a frame failed. */
static long staged_passes(const trial *T, work *w, double min_time, stages *st) {
  long frames = 0;
  int nf = T->mo->nframe;
  double a = cpu_s();
  do {
    for (int f = 0; f < nf; f++)
      if (frame(T, w, f, NULL, st)) return -1;
    frames += nf;
  } while (cpu_s() - a < min_time);
  return frames;
}

/* Whole pipeline over `nframes` frames (the trial tiled), uninstrumented. Returns seconds. */
static double run_tiled(const trial *T, work *w, long nframes, double *sink) {
  double a = cpu_s(), s = 0, out[9];
  int nf = T->mo->nframe;
  for (long k = 0; k < nframes; k++) {
    if (frame(T, w, (int)(k % nf), out, NULL)) {
      fprintf(stderr, "frame %ld failed\n", k);
      return -1;
    }
    s += out[0];
  }
  *sink += s;
  return cpu_s() - a;
}

/* The solver alone on the trial's real SO problems through the entry hl_so_solve uses
 * (hl__qp_solve_cols_trusted: the warm checks skipped, J's envelope kept when no column's rows
 * changed since the last frame), warm across frames, each frame's problem copied into hot buffers
 * first and only the call timed (one clock reading's cost `tc` taken off). Returns µs per frame;
 * *iters gets the mean iterations. */
static double qp_only(const trial *T, double min_time, double tc, double *iters) {
  const hl_model *m = T->m;
  int nq = m->ncoord, n = m->nmuscle + m->nactuator, nf = T->mo->nframe, nr = 0;
  for (int i = 0; i < nq; i++) nr += !m->coord_locked[i];
  /* every frame's constrained A by nonzero columns, as hl_so_solve hands it to hl_qp_solve_cols */
  int *cc = malloc(sizeof(int) * (size_t)nf * n), *cr = malloc(sizeof(int) * (size_t)nf * nr * n);
  double *cv = malloc(sizeof(double) * (size_t)nf * nr * n), *b = malloc(sizeof(double) * (size_t)nf * nr);
  double *pas = malloc(sizeof(double) * (size_t)nq), *wt = malloc(sizeof(double) * (size_t)n);
  double *lb = malloc(sizeof(double) * (size_t)n), *ub = malloc(sizeof(double) * (size_t)n);
  double *x = calloc((size_t)n, sizeof(double));
  int *act = malloc(sizeof(int) * (size_t)n);
  /* same[f] = 1 when frame f's columns have the rows of frame f − 1 (of the last frame for f = 0,
   * the loop wraps), as build_matrix reports to the solver */
  unsigned char *same = malloc((size_t)nf);
  /* the frame being solved is copied here first, as hl_so_solve has just written its own columns
   * (hot in cache) when it calls the solver; streaming every frame's copy from memory would time
   * the memory, not the solver */
  int *hc = malloc(sizeof(int) * (size_t)n), *hr = malloc(sizeof(int) * (size_t)nr * n);
  double *hv = malloc(sizeof(double) * (size_t)nr * n), *hb = malloc(sizeof(double) * (size_t)nr);
  hl_qp_settings qs;
  hl_qp_settings_defaults(&qs);
  hl_qp *qp = NULL;
  hl_qp_create(nr, n, &qs, &qp, NULL);
  work w;
  double us = -1;
  if (!cc || !cr || !cv || !b || !pas || !wt || !lb || !ub || !x || !act || !same || !hc || !hr ||
      !hv || !hb || !qp || !work_init(&w, T, 1, 0))
    goto out;
  for (int k = 0; k < n; k++) {
    wt[k] = 1;
    lb[k] = k < m->nmuscle ? m->mus_min_control[k] : m->act_min_control[k - m->nmuscle];
    ub[k] = k < m->nmuscle ? m->mus_max_control[k] : m->act_max_control[k - m->nmuscle];
  }
  for (int f = 0; f < nf; f++) {
    if (frame(T, &w, f, NULL, NULL)) goto out_w;
    const double *Af = hl_so_matrix(hl__frame_so(w.w));
    memset(pas, 0, sizeof(double) * (size_t)nq);
    hl_force_passive(m, w.r.data->q, w.r.data->qd, pas);
    for (int k = 0; k < n; k++) cc[(size_t)f * n + k] = 0;
    for (int i = 0, r = 0; i < nq; i++) {
      if (m->coord_locked[i]) continue;
      for (int k = 0; k < n; k++) {
        double v = Af[(size_t)i * n + k];
        if (v == 0.0) continue;
        size_t o = ((size_t)f * n + k) * nr + (size_t)cc[(size_t)f * n + k]++;
        cr[o] = r;
        cv[o] = v;
      }
      b[(size_t)f * nr + r] = w.r.tau[i] - pas[i];
      r++;
    }
  }
  for (int f = 0; f < nf; f++) {
    int g = f > 0 ? f - 1 : nf - 1;
    same[f] = 1;
    for (int k = 0; k < n && same[f]; k++) {
      int c = cc[(size_t)f * n + k];
      same[f] = c == cc[(size_t)g * n + k] &&
                !memcmp(cr + ((size_t)f * n + k) * nr, cr + ((size_t)g * n + k) * nr, sizeof(int) * (size_t)c);
    }
  }
  long frames = 0, it = 0;
  double a = cpu_s(), acc = 0;
  int first = 1;
  do {
    for (int f = 0; f < nf; f++) {
      hl_qp_result res;
      memcpy(hc, cc + (size_t)f * n, sizeof(int) * (size_t)n);
      memcpy(hr, cr + (size_t)f * nr * n, sizeof(int) * (size_t)nr * n);
      memcpy(hv, cv + (size_t)f * nr * n, sizeof(double) * (size_t)nr * n);
      memcpy(hb, b + (size_t)f * nr, sizeof(double) * (size_t)nr);
      double t = cpu_s();
      hl__qp_solve_cols_trusted(qp, hc, hr, hv, hb, wt, lb, ub, x, act, &res, !first && same[f], NULL);
      acc += cpu_s() - t - tc;
      first = 0;
      it += res.iterations;
    }
    frames += nf;
  } while (cpu_s() - a < min_time);
  us = 1e6 * acc / (double)frames;
  *iters = (double)it / (double)frames;
out_w:
  work_free(&w);
out:
  free(cc); free(cr); free(cv); free(b); free(pas); free(wt); free(lb); free(ub); free(x); free(act);
  free(same);
  free(hc); free(hr); free(hv); free(hb);
  hl_qp_free(qp);
  return us;
}

/* Induced contributions (frame.h settings.induced: every actuator, gravity, velocity, the
 * CoordinateLimitForces and three bookkeeping terms at hip, knee and ankle): whole passes with
 * them and without, interleaved, for at least min_time CPU seconds each; the difference per
 * frame is their cost. *with_us gets the whole frame with them, *K the contributors. */
static double induced_row(const trial *T, double min_time, double *with_us, int *K) {
  work wi, wo;
  if (!work_init_ind(&wi, T, 1, 0, 1) || !work_init(&wo, T, 1, 0)) return -1;
  double ti = 0, to = 0, sink = 0;
  long n = 0;
  int nf = T->mo->nframe;
  do {
    double a = run_tiled(T, &wi, nf, &sink), b = run_tiled(T, &wo, nf, &sink);
    if (a < 0 || b < 0) return -1;
    ti += a, to += b, n += nf;
  } while (ti < min_time || to < min_time);
  *K = wi.r.ncontributor;
  *with_us = 1e6 * ti / (double)n;
  work_free(&wi);
  work_free(&wo);
  return 1e6 * (ti - to) / (double)n;
}

/* ------------------------------------------------------------------ threads */

typedef struct job {
  const trial *T;
  work w;
  long k0, k1;   /* frames [k0, k1) of the tiled batch */
  double *out;   /* 9 per frame of the whole batch */
  int fail;
  double cpu;    /* CPU seconds the thread used */
} job;

static void *job_run(void *arg) {
  job *J = arg;
  int nf = J->T->mo->nframe;
  double a = cpu_s();
  for (long k = J->k0; k < J->k1 && !J->fail; k++)
    if (frame(J->T, &J->w, (int)(k % nf), J->out + 9 * k, NULL)) J->fail = 1;
  J->cpu = cpu_s() - a;
  return NULL;
}

/* Batch of nframes with nthr threads (contiguous chunks). Returns seconds, -1 on failure. */
static double run_threads(const trial *T, int nthr, long nframes, double *out, double *cpu) {
  job jobs[8];
  pthread_t th[8];
  for (int i = 0; i < nthr; i++) {
    jobs[i].T = T;
    jobs[i].k0 = nframes * i / nthr;
    jobs[i].k1 = nframes * (i + 1) / nthr;
    jobs[i].out = out;
    jobs[i].fail = 0;
    if (!work_init(&jobs[i].w, T, 1, 0)) return -1;
  }
  double a = now_s();
  for (int i = 0; i < nthr; i++) pthread_create(&th[i], NULL, job_run, &jobs[i]);
  int fail = 0;
  for (int i = 0; i < nthr; i++) {
    pthread_join(th[i], NULL);
    fail |= jobs[i].fail;
  }
  double e = now_s() - a;
  *cpu = 0;
  for (int i = 0; i < nthr; i++) {
    work_free(&jobs[i].w);
    *cpu = fmax(*cpu, jobs[i].cpu);
  }
  return fail ? -1 : e;
}

/* ------------------------------------------------------------------ SLSQP baseline */

static void dump_problem(FILE *fp, FILE *fx, const hl_model *m, const hl_data *d, const hl_so *so,
                         const double *tau, const double *ctrl) {
  int nq = m->ncoord, n = hl_so_size(so), nrow = 0;
  const double *A = hl_so_matrix(so);
  double *pas = calloc((size_t)nq, sizeof(double));
  if (!pas) return;
  hl_force_passive(m, d->q, d->qd, pas);
  /* the rows static optimization solves: unlocked, not a coupler's dependent coordinate, with
   * b = Cᵀ(τ − τ_passive) (coupler.h) */
  for (int i = 0; i < nq; i++) pas[i] = tau[i] - pas[i];
  if (m->ncoupler > 0) hl_coupler_fold(m, d->q, pas);
#define ROW(i) (!m->coord_locked[i] && !(m->ncoupler > 0 && m->coord_coupler[i] >= 0))
  for (int i = 0; i < nq; i++) nrow += ROW(i);
  fprintf(fp, "%d %d\n", nrow, n);
  for (int i = 0; i < nq; i++) {
    if (!ROW(i)) continue;
    for (int k = 0; k < n; k++) fprintf(fp, "%.17g ", A[(size_t)i * n + k]);
    fputc('\n', fp);
  }
  for (int i = 0; i < nq; i++)
    if (ROW(i)) fprintf(fp, "%.17g ", pas[i]);
#undef ROW
  fputc('\n', fp);
  for (int k = 0; k < n; k++) fprintf(fp, "1 ");
  fputc('\n', fp);
  for (int side = 0; side < 2; side++) {
    for (int k = 0; k < n; k++) {
      double v = k < m->nmuscle ? (side ? m->mus_max_control[k] : m->mus_min_control[k])
                                : (side ? m->act_max_control[k - m->nmuscle] : m->act_min_control[k - m->nmuscle]);
      if (isinf(v)) fprintf(fp, v > 0 ? "inf " : "-inf ");
      else fprintf(fp, "%.17g ", v);
    }
    fputc('\n', fp);
  }
  for (int k = 0; k < n; k++) fprintf(fx, "%.17g ", ctrl[k]);
  fputc('\n', fx);
  free(pas);
}

static void slsqp(const trial *T, int nframes, double so_us) {
  char dir[64] = "/tmp/hlbenchXXXXXX", dump[128], xpath[160], cmd[4096], script[2048];
  const char *src = __FILE__, *slash = strrchr(src, '/');
  snprintf(script, sizeof script, "%.*sslsqp_compare.py", slash ? (int)(slash - src + 1) : 0, src);
  FILE *py = popen("/usr/bin/python3 -c 'import scipy' 2>/dev/null && echo ok", "r");
  char ok[16] = "";
  if (py) {
    if (!fgets(ok, sizeof ok, py)) ok[0] = 0;
    pclose(py);
  }
  if (strncmp(ok, "ok", 2) != 0) {
    printf("SLSQP baseline: skipped (/usr/bin/python3 with scipy not found)\n");
    return;
  }
  if (!mkdtemp(dir)) return;
  snprintf(dump, sizeof dump, "%s/so.txt", dir);
  snprintf(xpath, sizeof xpath, "%s.x", dump);
  FILE *fp = fopen(dump, "w"), *fx = fopen(xpath, "w");
  work w;
  if (!fp || !fx || !work_init(&w, T, 1, 0)) {
    if (fp) fclose(fp);
    if (fx) fclose(fx);
    return;
  }
  int nf = T->mo->nframe;
  for (int f = 0; f < nframes && f < nf; f++) {
    int idx = (int)((long)f * nf / nframes); /* spread over the trial */
    if (frame(T, &w, idx, NULL, NULL)) break;
    dump_problem(fp, fx, T->m, w.r.data, hl__frame_so(w.w), w.r.tau, w.r.control);
  }
  fclose(fp);
  fclose(fx);
  work_free(&w);
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s' --frames %d 2>&1", script, dump, nframes);
  FILE *p = popen(cmd, "r");
  double us = -1, diff = -1;
  char line[512];
  while (p && fgets(line, sizeof line, p)) {
    const char *s;
    if ((s = strstr(line, "frames, ")) && strstr(line, "SLSQP:")) us = atof(s + 8);
    if ((s = strstr(line, "x_slsqp| = "))) diff = atof(s + 11);
    printf("  slsqp_compare.py: %s", line);
  }
  if (p) pclose(p);
  remove(dump);
  remove(xpath);
  remove(dir);
  if (us > 0)
    printf("SLSQP baseline (walk-jr, %d real SO problems): %.0f us/frame vs ours %.2f us/frame warm "
           "-> %.0fx; largest |x_ours - x_slsqp| = %.3g\n",
           nframes, us, so_us, us / so_us, diff);
}

/* ------------------------------------------------------------------ answers dump */

static int dump_answers(const trial *T, const char *label, FILE *fp, FILE *fq, FILE *fqx) {
  work w;
  if (!work_init(&w, T, 1, 0)) return 1;
  int n = T->m->nmuscle + T->m->nactuator;
  double out[9];
  for (int f = 0; f < T->mo->nframe; f++) {
    if (frame(T, &w, f, out, NULL)) {
      work_free(&w);
      return 1;
    }
    fprintf(fp, "%s %d", label, f);
    for (int k = 0; k < n; k++) fprintf(fp, " %.17g", w.r.control[k]);
    for (int k = 0; k < 9; k++) fprintf(fp, " %.17g", out[k]);
    fputc('\n', fp);
    if (fq && fqx) dump_problem(fq, fqx, T->m, w.r.data, hl__frame_so(w.w), w.r.tau, w.r.control);
  }
  work_free(&w);
  return 0;
}

/* ------------------------------------------------------------------ main */

int main(int argc, char **argv) {
  const char *dir = HIPLOAD_DATA_DIR;
  int quick = 0, do_slsqp = 1, nslsqp = 20;
  const char *dump = NULL, *loop_case = NULL;
  double loop_s = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--quick")) quick = 1;
    else if (!strcmp(argv[i], "--no-slsqp")) do_slsqp = 0;
    else if (!strcmp(argv[i], "--data") && i + 1 < argc) dir = argv[++i];
    else if (!strcmp(argv[i], "--slsqp-frames") && i + 1 < argc) nslsqp = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--dump") && i + 1 < argc) dump = argv[++i];
    else if (!strcmp(argv[i], "--loop") && i + 2 < argc) {
      loop_case = argv[++i];
      loop_s = atof(argv[++i]);
    } else {
      fprintf(stderr, "usage: hipload-bench [--quick] [--data DIR] [--no-slsqp] [--slsqp-frames N] "
                      "[--dump FILE] [--loop CASE SECONDS]\n");
      return 2;
    }
  }
  if (quick && nslsqp > 5) nslsqp = 5;
  double sink0 = 0;
  enum { NCASE = 3 };
  const bcase cases[NCASE] = {
      {"walk-jr", "walk-jr/subject01_simbody_adjusted_StaticOp.osim",
       "walk-jr/gait2392_SO_weak_Residual_Actuators.xml", "walk-jr/subject01_walk1_Kinematics.sto",
       "walk-jr/foot_floor_loads.xml", 0.5, 1.999, -1, 10, NULL},
      {"run-4ms", "run-4ms/runningModel_CMC_test.osim", "run-4ms/runningModel_CMC_Actuators.xml",
       "run-4ms/runningModel_Kinematics_q.sto", "run-4ms/runningModel_GRF.xml", 0.862, 1.545, -1, 1,
       NULL},
      /* Rajagopal 2016 (80 Millard muscles, 40 wrap cylinders, patella couplers): right stance */
      {"walk-rajagopal-so", "walk-rajagopal-so/Rajagopal_scaled_Sub1_gasAvoid.osim",
       "walk-rajagopal-so/opensim-4.6/raj_reserves.xml", "walk-rajagopal-so/results_ik.sto",
       "walk-rajagopal-so/opensim-4.6/raj_grf.xml", 10.38, 11.06, -1, 1, "walker_knee_r"},
  };
  if (dump) {
    FILE *fp = fopen(dump, "w");
    if (!fp) {
      fprintf(stderr, "hipload-bench: cannot write %s\n", dump);
      return 1;
    }
    for (int c = 0; c < NCASE; c++) {
      trial T;
      if (!trial_load(dir, &cases[c], &T)) return 1;
      char qpath[2048], xpath[2100];
      snprintf(qpath, sizeof qpath, "%s.%s.qp", dump, cases[c].label);
      snprintf(xpath, sizeof xpath, "%s.x", qpath);
      FILE *fq = fopen(qpath, "w"), *fqx = fopen(xpath, "w");
      int bad = dump_answers(&T, cases[c].label, fp, fq, fqx);
      if (fq) fclose(fq);
      if (fqx) fclose(fqx);
      trial_free(&T);
      if (bad) return 1;
    }
    return fclose(fp) != 0;
  }
  if (loop_case) {
    /* For a profiler: only the whole pipeline of one case (tiled, warm) for about SECONDS. */
    for (int c = 0; c < NCASE; c++) {
      if (strcmp(loop_case, cases[c].label)) continue;
      trial T;
      work w;
      if (!trial_load(dir, &cases[c], &T) || !work_init(&w, &T, 1, 0)) return 1;
      double e = 0;
      long nfr = 0;
      while (e < loop_s) {
        double s = run_tiled(&T, &w, T.mo->nframe, &sink0);
        if (s < 0) return 1;
        e += s;
        nfr += T.mo->nframe;
      }
      printf("%s: %ld frames, %.2f us/frame\n", loop_case, nfr, 1e6 * e / (double)nfr);
      work_free(&w);
      trial_free(&T);
      return 0;
    }
    fprintf(stderr, "hipload-bench: --loop: no case %s (walk-jr, run-4ms, walk-rajagopal-so)\n", loop_case);
    return 2;
  }
  double min_time = quick ? 0.3 : 1.0, walk_fps = 0, walk_so_us = 0, sink = 0;
  trial walk;
  int have_walk = 0;
  double tc = timer_cost();
  printf("hipload-bench: %s; single-thread figures are CPU time of the thread (µs per frame), the\n"
         "threads section is wall time. Per-stage figures have the cost of one clock reading\n"
         "(%.3f us, measured now) taken off; the whole pipeline is timed without per-frame readings\n",
         quick ? "--quick" : "full run", 1e6 * tc);
  for (int c = 0; c < NCASE; c++) {
    trial T;
    if (!trial_load(dir, &cases[c], &T)) return 1;
    const hl_model *m = T.m;
    int nf = T.mo->nframe;
    printf("\n== %s: %d muscles + %d actuators, %d coordinates, %d frames\n", cases[c].label,
           m->nmuscle, m->nactuator, m->ncoord, nf);
    printf("  file reading (coordinates + GRF): %8.2f ms  (%.2f us per analysed frame)\n", T.read_ms,
           1e3 * T.read_ms / nf);
    printf("  model load (+ force set):         %8.2f ms\n", T.load_ms);
    work w, wc;
    if (!work_init(&w, &T, 1, 0) || !work_init(&wc, &T, 0, 0)) return 1;
    stages st = {{0, 0, 0, 0}, 0, 0, 0};
    long frames = staged_passes(&T, &w, min_time, &st);
    if (frames < 0) return 1;
    stages sc = {{0, 0, 0, 0}, 0, 0, 0};
    for (int f = 0; f < nf; f++)
      if (frame(&T, &wc, f, NULL, &sc)) return 1;
    double k = 1e6 / (double)frames;
    /* one clock reading per stage per frame is inside each stage's sum */
    st.t[0] -= tc * (double)frames;
    st.t[1] -= tc * (double)frames;
    st.t[2] -= tc * (double)frames;
    st.t[3] -= tc * (double)frames;
    sc.t[2] -= tc * (double)nf;
    printf("  kinematics + muscle geometry:     %8.2f us\n", st.t[0] * k);
    printf("  inverse dynamics (+ GRF interp):  %8.2f us\n", st.t[1] * k);
    printf("  static optimization, warm:        %8.2f us   (cold: %.2f us; iterations warm %.2f "
           "mean, %ld max; cold %.2f mean)\n",
           st.t[2] * k, sc.t[2] * 1e6 / nf, (double)st.so_iter / (double)st.so_frames, st.so_iter_max,
           (double)sc.so_iter / (double)sc.so_frames);
    double qit = 0, qus = qp_only(&T, min_time, tc, &qit);
    printf("    of which the solver (hl__qp_solve_cols_trusted, SO's entry) %.2f us, %.2f iterations "
           "per frame\n    (the rest: force per activation, moment-arm matrix, passive forces)\n",
           qus, qit);
    {
      /* hipload setup's default answer: the exact optimum moved to OpenSim's stopping point */
      work wb;
      if (!work_init(&wb, &T, 1, hl_so_opensim_mu(HL_SO_OPENSIM_CRITERION))) return 1;
      stages sb = {{0, 0, 0, 0}, 0, 0, 0};
      long nb = staged_passes(&T, &wb, min_time, &sb);
      if (nb < 0) return 1;
      sb.t[2] -= tc * (double)nb;
      printf("    OpenSim's stopping point (hipload setup's default, barrier mu %g): %.2f us, %.1f "
             "iterations per frame (active set + Newton)\n",
             hl_so_opensim_mu(HL_SO_OPENSIM_CRITERION), sb.t[2] * 1e6 / (double)nb, (double)sb.so_iter / (double)sb.so_frames);
      work_free(&wb);
    }
    printf("  joint reaction + contributions:   %8.2f us   (forward accel + kinematics + 3 joints)\n",
           st.t[3] * k);
    long n2 = 0;
    double e = 0;
    do {
      double s = run_tiled(&T, &w, nf, &sink);
      if (s < 0) return 1;
      e += s;
      n2 += nf;
    } while (e < min_time);
    double fps = (double)n2 / e;
    printf("  whole pipeline:                   %8.2f us = %.0f frames/s per core\n", 1e6 / fps, fps);
    int nK = 0;
    double with_us = 0, ius = induced_row(&T, min_time, &with_us, &nK);
    if (ius < 0) return 1;
    printf("  induced contributions:            %8.2f us   (%d contributors: %d actuators, gravity, velocity,\n"
           "                                               %d limit forces, 3 bookkeeping; hip, knee, ankle;\n"
           "                                               whole frame with them %.2f us, interleaved passes)\n",
           ius, nK, m->nmuscle + m->nactuator, m->nlimit, with_us);
    work_free(&w);
    work_free(&wc);
    if (c == 0) {
      walk = T;
      have_walk = 1;
      walk_fps = fps;
      walk_so_us = st.t[2] * k;
    } else {
      trial_free(&T);
    }
  }
  if (!have_walk) return 1;

  /* Scaling: the walk-jr trial tiled, streaming through one workspace set. */
  printf("\n== scaling (walk-jr tiled, one core, streaming)\n");
  printf("  %10s %12s %12s %14s\n", "frames", "CPU s", "us/frame", "peak RSS (MB)");
  long top = quick ? 1000 : 100000;
  work w;
  if (!work_init(&w, &walk, 1, 0)) return 1;
  for (long n = 100; n <= top; n *= 10) {
    double s = run_tiled(&walk, &w, n, &sink);
    if (s < 0) return 1;
    printf("  %10ld %12.4f %12.2f %14.1f\n", n, s, 1e6 * s / (double)n, peak_mb());
  }
  work_free(&w);

  /* Threads. */
  long nb = quick ? 2000 : 20000;
  double *o1 = calloc((size_t)nb * 9, sizeof(double)), *o2 = calloc((size_t)nb * 9, sizeof(double));
  if (!o1 || !o2) return 1;
  double c1 = 0, c2 = 0;
  double s1 = run_threads(&walk, 1, nb, o1, &c1), s2 = run_threads(&walk, 2, nb, o2, &c2);
  if (s1 < 0 || s2 < 0) return 1;
  double dmax = 0;
  for (long i = 0; i < nb * 9; i++) dmax = fmax(dmax, fabs(o1[i] - o2[i]));
  printf("\n== threads (walk-jr, batch of %ld frames, one workspace set per thread)\n", nb);
  printf("  1 thread: %.3f s (%.0f frames/s); 2 threads: %.3f s (%.0f frames/s); speed-up %.2fx\n", s1,
         nb / s1, s2, nb / s2, s1 / s2);
  printf("  CPU time of the busiest thread: 1 thread %.3f s, 2 threads %.3f s -> %.2fx if each\n"
         "  thread had its own core (wall-clock speed-up needs 2 idle cores; load now %s)\n",
         c1, c2, c1 / c2, loadavg());
  printf("  answers 1 vs 2 threads: %s (max |diff| of the joint forces %.3g N)\n",
         memcmp(o1, o2, sizeof(double) * (size_t)nb * 9) ? "DIFFER" : "bit-identical", dmax);
  free(o1);
  free(o2);
  printf("  peak RSS: %.1f MB\n", peak_mb());

  if (do_slsqp && nslsqp > 0) {
    printf("\n== general-solver baseline\n");
    slsqp(&walk, nslsqp, walk_so_us);
  }
  trial_free(&walk);
  if (sink == 12345.678) printf("#\n"); /* keep the results live */
  printf("\npipeline: %.0f frames/s per core\n", walk_fps);
  return 0;
}
