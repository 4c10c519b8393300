/* SPDX-License-Identifier: Apache-2.0 */
/* bench_qp — time hl_qp_solve per frame, cold and warm.
 *
 *   bench_qp [--frames N] [--write DUMP] [--read DUMP] [--p P] [--per-frame] [--warm-reps N] [--cold-reps N]
 *
 * Without --read it builds a gait-like sequence: m = 23 rows, 92 muscles (x ∈ [0,1], sparse
 * moment-arm-like columns scaled by F0) plus 23 unbounded reserves, frames changing smoothly.
 * The dump format (docs/solver.md) is plain text, one problem after another:
 *   m n / m rows of A (n numbers each) / b (m) / w (n) / lb (n) / ub (n)   ("inf"/"-inf" allowed)
 * --write also stores our answers in DUMP.x (one line of n numbers per frame) for
 * bench/slsqp_compare.py. --per-frame prints each frame's warm iterations and time (µs, best of
 * the repetitions). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hipload/qp.h"

/* CPU time of the thread: the machine is shared. */
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static unsigned long long rs = 42;
static double urand(void) {
  rs = rs * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(rs >> 11) / 9007199254740992.0;
}

typedef struct frames {
  int m, n, nf;
  double *A, *b, *w, *lb, *ub; /* nf problems back to back */
} frames;

static int gen(frames *F, int nf) {
  int m = 23, nm = 92, n = nm + m;
  F->m = m; F->n = n; F->nf = nf;
  F->A = calloc((size_t)nf * m * n, sizeof(double));
  F->b = calloc((size_t)nf * m, sizeof(double));
  F->w = calloc((size_t)nf * n, sizeof(double));
  F->lb = calloc((size_t)nf * n, sizeof(double));
  F->ub = calloc((size_t)nf * n, sizeof(double));
  if (!F->A || !F->b || !F->w || !F->lb || !F->ub) return 0;
  double *base = calloc((size_t)m * n, sizeof(double)), *ph = calloc((size_t)m * n, sizeof(double));
  double *bamp = calloc((size_t)m, sizeof(double)), *bph = calloc((size_t)m, sizeof(double));
  double *f0 = calloc((size_t)nm, sizeof(double));
  for (int i = 0; i < nm; i++) f0[i] = 200.0 + 2000.0 * urand();
  for (int j = 0; j < m; j++) {
    bamp[j] = 20.0 + 80.0 * urand();
    bph[j] = 6.283 * urand();
    for (int i = 0; i < nm; i++)
      if (urand() < 0.2) { base[j * n + i] = 0.05 * (urand() - 0.4); ph[j * n + i] = 6.283 * urand(); }
    base[j * n + nm + j] = 1.0;
  }
  for (int f = 0; f < nf; f++) {
    double t = 6.283 * f / 100.0;
    double *A = F->A + (size_t)f * m * n;
    for (int k = 0; k < m * n; k++) {
      int i = k % n;
      A[k] = i < nm ? base[k] * (1.0 + 0.3 * sin(t + ph[k])) * f0[i] : base[k];
    }
    for (int j = 0; j < m; j++) F->b[(size_t)f * m + j] = bamp[j] * sin(t + bph[j]);
    for (int i = 0; i < n; i++) {
      F->w[(size_t)f * n + i] = 1.0;
      F->lb[(size_t)f * n + i] = i < nm ? 0.0 : -INFINITY;
      F->ub[(size_t)f * n + i] = i < nm ? 1.0 : INFINITY;
    }
  }
  free(base); free(ph); free(bamp); free(bph); free(f0);
  return 1;
}

static int rd(FILE *fp, double *v) {
  char tok[64];
  if (fscanf(fp, "%63s", tok) != 1) return 0;
  *v = strtod(tok, NULL);
  return 1;
}

static int read_dump(const char *path, frames *F) {
  FILE *fp = fopen(path, "r");
  if (!fp) return 0;
  int m, n, cap = 0;
  memset(F, 0, sizeof *F);
  while (fscanf(fp, "%d %d", &m, &n) == 2) {
    if (F->nf == 0) { F->m = m; F->n = n; }
    if (m != F->m || n != F->n) break;
    if (F->nf == cap) {
      cap = cap ? 2 * cap : 64;
      F->A = realloc(F->A, sizeof(double) * (size_t)cap * m * n);
      F->b = realloc(F->b, sizeof(double) * (size_t)cap * m);
      F->w = realloc(F->w, sizeof(double) * (size_t)cap * n);
      F->lb = realloc(F->lb, sizeof(double) * (size_t)cap * n);
      F->ub = realloc(F->ub, sizeof(double) * (size_t)cap * n);
      if (!F->A || !F->b || !F->w || !F->lb || !F->ub) { fclose(fp); return 0; }
    }
    int ok = 1;
    size_t f = (size_t)F->nf;
    for (int k = 0; k < m * n; k++) ok &= rd(fp, F->A + f * m * n + k);
    for (int k = 0; k < m; k++) ok &= rd(fp, F->b + f * m + k);
    for (int k = 0; k < n; k++) ok &= rd(fp, F->w + f * n + k);
    for (int k = 0; k < n; k++) ok &= rd(fp, F->lb + f * n + k);
    for (int k = 0; k < n; k++) ok &= rd(fp, F->ub + f * n + k);
    if (!ok) break;
    F->nf++;
  }
  fclose(fp);
  return F->nf > 0;
}

static void write_dump(const char *path, const frames *F) {
  FILE *fp = fopen(path, "w");
  if (!fp) return;
  int m = F->m, n = F->n;
  for (int f = 0; f < F->nf; f++) {
    fprintf(fp, "%d %d\n", m, n);
    for (int j = 0; j < m; j++) {
      for (int i = 0; i < n; i++) fprintf(fp, "%.17g ", F->A[(size_t)f * m * n + (size_t)j * n + i]);
      fprintf(fp, "\n");
    }
    const double *v[4] = {F->b + (size_t)f * m, F->w + (size_t)f * n, F->lb + (size_t)f * n, F->ub + (size_t)f * n};
    int len[4] = {m, n, n, n};
    for (int r = 0; r < 4; r++) {
      for (int k = 0; k < len[r]; k++) fprintf(fp, "%.17g ", v[r][k]);
      fprintf(fp, "\n");
    }
  }
  fclose(fp);
}

/* Frame f through hl_qp_solve (dense A) or, with columns (cc != NULL), hl_qp_solve_cols as
 * hl_so_solve calls it. */
static hl_status solve_frame(hl_qp *qp, const frames *F, int f, const int *cc, const int *cr,
                             const double *cv, double *x, hl_qp_result *res) {
  size_t m = (size_t)F->m, n = (size_t)F->n, o = (size_t)f;
  if (cc)
    return hl_qp_solve_cols(qp, cc + o * n, cr + o * m * n, cv + o * m * n, F->b + o * m,
                            F->w + o * n, F->lb + o * n, F->ub + o * n, x, NULL, res, NULL);
  return hl_qp_solve(qp, F->A + o * m * n, F->b + o * m, F->w + o * n, F->lb + o * n,
                     F->ub + o * n, x, NULL, res, NULL);
}

int main(int argc, char **argv) {
  int nf = 200;
  const char *wpath = NULL, *rpath = NULL;
  double p = 2.0;
  int per_frame = 0, warm_reps = 20, reps = 20, use_cols = 0;
  for (int a = 1; a < argc; a++) {
    if (!strcmp(argv[a], "--frames") && a + 1 < argc) nf = atoi(argv[++a]);
    else if (!strcmp(argv[a], "--write") && a + 1 < argc) wpath = argv[++a];
    else if (!strcmp(argv[a], "--read") && a + 1 < argc) rpath = argv[++a];
    else if (!strcmp(argv[a], "--p") && a + 1 < argc) p = atof(argv[++a]);
    else if (!strcmp(argv[a], "--per-frame")) per_frame = 1;
    else if (!strcmp(argv[a], "--cols")) use_cols = 1;
    else if (!strcmp(argv[a], "--warm-reps") && a + 1 < argc) warm_reps = atoi(argv[++a]);
    else if (!strcmp(argv[a], "--cold-reps") && a + 1 < argc) reps = atoi(argv[++a]);
    else {
      fprintf(stderr, "usage: bench_qp [--frames N] [--write DUMP] [--read DUMP] [--p P] [--per-frame] [--warm-reps N] [--cold-reps N] [--cols]\n");
      return 2;
    }
  }
  frames F;
  if (rpath ? !read_dump(rpath, &F) : !gen(&F, nf)) { fprintf(stderr, "bench_qp: no frames\n"); return 1; }
  int m = F.m, n = F.n;
  hl_qp_settings s;
  hl_qp_settings_defaults(&s);
  s.p = p;
  hl_qp *qp = NULL;
  hl_qp_create(m, n, &s, &qp, NULL);
  double *x = calloc((size_t)n, sizeof(double)), *X = calloc((size_t)F.nf * n, sizeof(double));
  double *best = calloc((size_t)F.nf, sizeof(double));
  int *fit = calloc((size_t)F.nf, sizeof(int));
  if (!qp || !x || !X || !best || !fit) return 1;
  /* --cols: every frame's nonzeros by column (rows ascending), as hl_so_solve hands them over */
  int *cc = NULL, *cr = NULL;
  double *cv = NULL;
  if (use_cols) {
    cc = malloc(sizeof(int) * (size_t)F.nf * n);
    cr = malloc(sizeof(int) * (size_t)F.nf * m * n);
    cv = malloc(sizeof(double) * (size_t)F.nf * m * n);
    if (!cc || !cr || !cv) return 1;
    for (size_t f = 0; f < (size_t)F.nf; f++)
      for (size_t i = 0; i < (size_t)n; i++) {
        int c = 0;
        for (int j = 0; j < m; j++) {
          double v = F.A[f * m * n + (size_t)j * n + i];
          if (v == 0.0) continue;
          cr[(f * n + i) * m + c] = j;
          cv[(f * n + i) * m + c++] = v;
        }
        cc[f * n + i] = c;
      }
  }
  int nok = 0, it_cold = 0, it_warm = 0;
  /* cold: reset before every frame */
  double t0 = now();
  for (int r = 0; r < reps; r++)
    for (int f = 0; f < F.nf; f++) {
      hl_qp_reset(qp);
      hl_qp_result res;
      solve_frame(qp, &F, f, cc, cr, cv, x, &res);
      if (r == 0) it_cold += res.iterations;
    }
  double t_cold = (now() - t0) / (reps * F.nf);
  /* warm: frames in order */
  t0 = now();
  for (int r = 0; r < warm_reps; r++) {
    hl_qp_reset(qp);
    for (int f = 0; f < F.nf; f++) {
      hl_qp_result res;
      double tf = per_frame ? now() : 0.0;
      hl_status st = solve_frame(qp, &F, f, cc, cr, cv, x, &res);
      if (per_frame) {
        tf = now() - tf;
        if (r == 0 || tf < best[f]) best[f] = tf;
        fit[f] = res.iterations;
      }
      if (r == 0) {
        it_warm += res.iterations;
        nok += st == HL_OK;
        memcpy(X + (size_t)f * n, x, sizeof(double) * n);
      }
    }
  }
  double t_warm = (now() - t0) / (warm_reps * F.nf);
  printf("bench_qp: %d frames, m = %d, n = %d, p = %g, %s, solved OK %d/%d\n", F.nf, m, n, p,
         use_cols ? "hl_qp_solve_cols" : "hl_qp_solve (dense A)", nok, F.nf);
  printf("  cold: %8.2f us/frame  (%.1f iterations/frame)\n", 1e6 * t_cold, (double)it_cold / F.nf);
  printf("  warm: %8.2f us/frame  (%.1f iterations/frame)  %.0f frames/s\n", 1e6 * t_warm,
         (double)it_warm / F.nf, 1.0 / t_warm);
  for (int f = 0; per_frame && f < F.nf; f++)
    printf("  frame %4d: %3d iterations %9.2f us\n", f, fit[f], 1e6 * best[f]);
  if (wpath) {
    write_dump(wpath, &F);
    char xp[1024];
    snprintf(xp, sizeof xp, "%s.x", wpath);
    FILE *fp = fopen(xp, "w");
    if (fp) {
      for (int f = 0; f < F.nf; f++) {
        for (int i = 0; i < n; i++) fprintf(fp, "%.17g ", X[(size_t)f * n + i]);
        fprintf(fp, "\n");
      }
      fclose(fp);
    }
  }
  hl_qp_free(qp);
  free(cc); free(cr); free(cv);
  free(x); free(X); free(best); free(fit); free(F.A); free(F.b); free(F.w); free(F.lb); free(F.ub);
  return 0;
}
