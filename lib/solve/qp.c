/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — static-optimization solver.
 *
 *   minimize Σ w_i |x_i|^p   subject to   A x = b,  lb ≤ x ≤ ub.
 *
 * p = 2: first the fast path (fast_p2 below: Newton on the dual, a primal-dual active-set
 * iteration with J factorized inside its envelope), which certifies its answer or hands the frame
 * to the robust method described here — a primal active-set method on the bounds. For a
 * working set (bound variables fixed at their bounds) the free-variable subproblem is a weighted
 * least-norm problem with the closed form x_F = c_F + W_F⁻¹ A_Fᵀ λ / 2,  J λ = b − A_B x_B − A_F c_F,  J = A_F (2W_F)⁻¹ A_Fᵀ
 * (an m × m Cholesky with one step of iterative refinement). A step goes to the first blocking
 * bound (added) or, at the subproblem minimizer, the bound with the wrong-sign multiplier is
 * released (largest violation; smallest index late in a run, against cycling).
 * No phase 1: the iteration runs on the elastic problem  min Σ h (x − c)² + ρ‖A x − b‖²  (every
 * point of the box is feasible for it, ρ = 1e8 × the stiffest cost curvature), then the same
 * working set is re-solved exactly (ρ = ∞); when that keeps x in the box and every bound
 * multiplier's sign, it is the exact KKT point (otherwise ρ is raised and the iteration resumes).
 * Warm start: the previous call's working set and x (frames change little), so an unchanged
 * active set costs two factorizations.
 *
 * Infeasible frames (no x in the box meets A x = b): the exact re-solve cannot hold, and the
 * elastic answer is returned: among bounded x with its A x it is the least-cost one, and its
 * residual is within O(1/ρ) of the least achievable ‖A x − b‖. Outcome HL_QP_LEAST_SQUARES.
 *
 * p ≠ 2: a sequential-quadratic (Newton) method. Around the current x, each term w|x|^p is
 * replaced by its second-order model, which is again a centred weighted least-norm problem solved
 * exactly by the p = 2 machinery; an exact line search on the true cost follows. At a fixed point
 * the KKT conditions of the p-problem hold exactly, whatever the model curvature used.
 *
 * All linear algebra is our own short loops (m ≤ ~40): deterministic, no threading, no allocation
 * in hl_qp_solve.
 */
#include "hipload/qp.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qp_internal.h"

#define QP_RHO_REL 1e8         /* elastic penalty relative to the cost curvature of J */

/* The iterations report the two outcomes that are answers, not errors, through the status they
 * return; qp_solve turns them into hl_qp_result.outcome and returns HL_OK (qp.h). */
#define QP_LEAST_SQUARES ((hl_status)(HL_STATUS_COUNT + 1))
#define QP_ITERATION_LIMIT ((hl_status)(HL_STATUS_COUNT + 2))

struct hl_qp {
  int m, n;
  hl_qp_settings set;
  int have_warm;       /* the stored active set / multipliers are from a previous solve */
  int *act;            /* n: active set of the last solve (-1, 0, +1) */
  int *act_try;        /* n: active set of a trial λ */
  int *free_idx;       /* n: indices of the free variables (build_factor); the fast path's dirty
                          blocks' columns (partial_pass) */
  double *lam;         /* m: equality multipliers of the last solve */
  double *lam_try;     /* m */
  double *dlam;        /* m */
  double *grad;        /* m: ∇g = b − A x − λ/(2ρ) */
  double *rhs;         /* m */
  double *J;           /* m*m: Newton matrix, Cholesky factor in place (lower) */
  double *S;           /* m*n: scaled free columns, row-major m × nF */
  double *t;           /* n: Aᵀλ */
  double *td;          /* n: Aᵀ dλ */
  double *xt;          /* n: trial x */
  double *h;           /* n: curvature weights of the centred problem */
  double *c;           /* n: centre of the centred problem */
  double *xq;          /* n: QP answer inside the p ≠ 2 iteration */
  double *xs;          /* n: trial x of the line search */
  double *bb;          /* m: right-hand side used by the p ≠ 2 iteration */
  int ridged;          /* the last factorization needed a ridge */
  double piv_ratio;    /* fast path: smallest pivot relative to its diagonal entry in the last
                          factorization (0 when it failed) */
  int nf;              /* free variables of the last factorization */
  double inv2rho;      /* elastic term of the last factorization */
  /* the fast path (exact working-set Newton on the dual, sparse columns) */
  const int *cnt;      /* n: nonzeros of column i of A (own_cnt, or the caller's during a call) */
  const int *ridx;     /* m*n: their rows (ascending), column i at i*m */
  const double *cval;  /* m*n: their values */
  int *own_cnt;        /* storage for the columns gathered from a dense A */
  int *own_ridx;
  double *own_cval;
  double *Ad;          /* m*n: dense A scattered from the caller's columns (fallback, p ≠ 2) */
  double *Jc;          /* m*m: unfactorized copy of J for the refinement step */
  double *z;           /* n: unconstrained minimizer (Aᵀλ)_i / (2 w_i) */
  int *act_new;        /* n */
  int *ef, *el;        /* m each: the envelope of J for this call's columns (envelope()) */
  /* The envelope's diagonal blocks (envelope_last): J, its factor and the solves are separate per
   * block, so a fast-path round after a working-set change redoes only the blocks whose columns
   * changed (their values would be the same bits if recomputed: see fast_p2). */
  int blk_ok;          /* the block tables below belong to the current envelope (env_blocks; only
                          the trusted entry forms them, once per column pattern) */
  int nblk;            /* rows blk_start[k] .. blk_start[k+1]−1 form block k */
  int *blk_start;      /* m + 1 */
  int *row_blk;        /* m: block of each row */
  int *col_blk;        /* n: block of column i's rows, −1 for an empty column */
  int *bcol_start;     /* m + 1: block k's columns are bcol[bcol_start[k] .. bcol_start[k+1]−1] */
  int *bcol;           /* n: the non-empty columns by block, ascending within a block */
  unsigned char *blk_dirty; /* m: blocks holding a column whose status changed in next_set */
  int ndirty, nfree_next;   /* next_set: how many blocks are dirty; free variables of its set */
  int ndcol;           /* partial_pass: the dirty blocks' columns, listed in free_idx */
  double *piv_d, *piv_j; /* m: each row's pivot before its square root, and J's diagonal entry,
                            in the factorization that formed the row */
  double *iw2;         /* n: 1/(2 w_i) of the current call (fast path) */
  double *zh1, *zh2;   /* n each: z = Aᵀλ/(2w) of the last two fast-path answers */
  int nhist;           /* how many of zh1, zh2 are valid (consecutive fast-path answers) */
  double fast_resid;   /* max |A x − b| of fast_p2's last answer */
  int wb_ok;           /* the last call's w, lb, ub passed the checks (iw2 holds 1/(2w)) */
  int env_ok;          /* ef/el hold the envelope of the last call's columns */
  int b_finite;        /* ... and every bound was finite (fast_p2 need not free infinite ones) */
  hl_error err;
};

void hl_qp_settings_defaults(hl_qp_settings *s) {
  if (!s) return;
  s->p = 2.0;
  s->max_iter = 1000;
  s->tol = 1e-9;
  s->warm_start = 1;
}

static hl_qp *qp_make(int m, int n, const hl_qp_settings *s) {
  if (m < 0 || n < 1 || m > 100000 || n > 100000) return NULL;
  hl_qp *qp = calloc(1, sizeof *qp);
  if (!qp) return NULL;
  qp->m = m;
  qp->n = n;
  if (s) qp->set = *s;
  else hl_qp_settings_defaults(&qp->set);
  size_t mm = (size_t)(m > 0 ? m : 1), nn = (size_t)n;
  qp->act = calloc(nn, sizeof(int));
  qp->act_try = calloc(nn, sizeof(int));
  qp->free_idx = calloc(nn, sizeof(int));
  qp->lam = calloc(mm, sizeof(double));
  qp->lam_try = calloc(mm, sizeof(double));
  qp->dlam = calloc(mm, sizeof(double));
  qp->grad = calloc(mm, sizeof(double));
  qp->rhs = calloc(mm, sizeof(double));
  qp->bb = calloc(mm, sizeof(double));
  qp->J = calloc(mm * mm, sizeof(double));
  qp->S = calloc(mm * nn, sizeof(double));
  qp->t = calloc(nn, sizeof(double));
  qp->td = calloc(nn, sizeof(double));
  qp->xt = calloc(nn, sizeof(double));
  qp->h = calloc(nn, sizeof(double));
  qp->c = calloc(nn, sizeof(double));
  qp->xq = calloc(nn, sizeof(double));
  qp->xs = calloc(nn, sizeof(double));
  qp->own_cnt = calloc(nn, sizeof(int));
  qp->own_ridx = calloc(mm * nn, sizeof(int));
  qp->own_cval = calloc(mm * nn, sizeof(double));
  qp->Ad = calloc(mm * nn, sizeof(double));
  qp->cnt = qp->own_cnt;
  qp->ridx = qp->own_ridx;
  qp->cval = qp->own_cval;
  qp->Jc = calloc(mm * mm, sizeof(double));
  qp->z = calloc(nn, sizeof(double));
  qp->act_new = calloc(nn, sizeof(int));
  qp->iw2 = calloc(nn, sizeof(double));
  qp->zh1 = calloc(nn, sizeof(double));
  qp->zh2 = calloc(nn, sizeof(double));
  qp->ef = calloc(mm, sizeof(int));
  qp->blk_start = calloc(mm + 1, sizeof(int));
  qp->row_blk = calloc(mm, sizeof(int));
  qp->col_blk = calloc(nn, sizeof(int));
  qp->bcol_start = calloc(mm + 1, sizeof(int));
  qp->bcol = calloc(nn, sizeof(int));
  qp->blk_dirty = calloc(mm, 1);
  qp->piv_d = calloc(mm, sizeof(double));
  qp->piv_j = calloc(mm, sizeof(double));
  qp->el = calloc(mm, sizeof(int));
  if (!qp->own_cnt || !qp->own_ridx || !qp->own_cval || !qp->Ad || !qp->Jc || !qp->blk_start || !qp->row_blk || !qp->col_blk || !qp->bcol_start || !qp->bcol || !qp->blk_dirty || !qp->piv_d || !qp->piv_j || !qp->z || !qp->act_new || !qp->ef || !qp->el || !qp->iw2 || !qp->zh1 || !qp->zh2 || !qp->act || !qp->act_try || !qp->free_idx || !qp->lam || !qp->lam_try || !qp->dlam ||
      !qp->grad || !qp->rhs || !qp->bb || !qp->J || !qp->S || !qp->t || !qp->td || !qp->xt ||
      !qp->h || !qp->c || !qp->xq || !qp->xs) {
    hl_qp_free(qp);
    return NULL;
  }
  hl_error_clear(&qp->err);
  return qp;
}

void hl_qp_free(hl_qp *qp) {
  if (!qp) return;
  free(qp->act); free(qp->act_try); free(qp->free_idx);
  free(qp->lam); free(qp->lam_try); free(qp->dlam); free(qp->grad); free(qp->rhs); free(qp->bb);
  free(qp->J); free(qp->S); free(qp->t); free(qp->td); free(qp->xt);
  free(qp->h); free(qp->c); free(qp->xq); free(qp->xs);
  free(qp->own_cnt); free(qp->own_ridx); free(qp->own_cval); free(qp->Ad); free(qp->Jc); free(qp->z); free(qp->act_new);
  free(qp->ef); free(qp->el);
  free(qp->blk_start); free(qp->row_blk); free(qp->col_blk); free(qp->bcol_start); free(qp->bcol); free(qp->blk_dirty);
  free(qp->piv_d); free(qp->piv_j); free(qp->zh1); free(qp->zh2); free(qp->iw2);
  free(qp);
}

void hl_qp_reset(hl_qp *qp) {
  if (!qp) return;
  qp->have_warm = 0;
  qp->nhist = 0;
  memset(qp->lam, 0, sizeof(double) * (size_t)(qp->m > 0 ? qp->m : 1));
  memset(qp->act, 0, sizeof(int) * (size_t)qp->n);
}

const double *hl_qp_multipliers(const hl_qp *qp) { return qp ? qp->lam : NULL; }

hl_status hl_qp_create(int m, int n, const hl_qp_settings *s, hl_qp **out, hl_error *err) {
  if (!out) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_qp_create: out is NULL");
  *out = NULL;
  if (m < 0 || n < 1 || m > 100000 || n > 100000)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_qp_create: %d x %d is not a problem size", m, n);
  *out = qp_make(m, n, s);
  return *out ? HL_OK : hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory (solver)");
}

/* The detail of an error of the last solve (qp->err) for the caller's err. */
static hl_status pass_error(const hl_qp *qp, hl_status st, hl_error *err) {
  if (st && err) *err = qp->err;
  return st;
}

/* ------------------------------------------------------------------------- small kernels */

/* Dot product with four independent partial sums (fixed order: deterministic). Always inlined:
 * the envelope kernels call it ~170 times a frame on rows of 0–5 entries, where the call
 * itself cost more than the arithmetic. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline double dot(const double *a, const double *b, int n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int k = 0;
  for (; k + 4 <= n; k += 4) {
    s0 += a[k] * b[k];
    s1 += a[k + 1] * b[k + 1];
    s2 += a[k + 2] * b[k + 2];
    s3 += a[k + 3] * b[k + 3];
  }
  for (; k < n; k++) s0 += a[k] * b[k];
  return (s0 + s2) + (s1 + s3);
}

/* The envelope (profile) of the m×m symmetric matrices J = A_F D A_Fᵀ of this call: row i is zero
 * left of column ef[i] (the smallest first row among the columns of A that touch row i, over all
 * columns, so it holds for every working set of the call), and column k is zero below row el[k]
 * (the last row i with ef[i] ≤ k). A Cholesky factor keeps the envelope of its matrix, so every
 * kernel below touches only row i's columns ef[i]..i. With the rows in model order (pelvis, one
 * leg, the other leg, the back) the envelope of a gait model's J is a few small diagonal blocks:
 * 62 of the 276 lower-triangle entries on walk-jr, 60 of 435 on run-4ms. Entries outside it are
 * never read (they may hold another call's values). */
static void envelope_last(hl_qp *qp);
static void envelope(hl_qp *qp) {
  int m = qp->m, *ef = qp->ef;
  for (int j = 0; j < m; j++) ef[j] = j;
  for (int i = 0; i < qp->n; i++) {
    const int *ri = qp->ridx + (size_t)i * m;
    int c = qp->cnt[i];
    for (int p = 1; p < c; p++) ef[ri[p]] = ef[ri[p]] < ri[0] ? ef[ri[p]] : ri[0];
  }
  envelope_last(qp);
}

/* el from ef: column k of J is zero below row el[k], the last row i with ef[i] ≤ k. */
static void envelope_last(hl_qp *qp) {
  const int m = qp->m, *ef = qp->ef;
  int *el = qp->el;
  for (int i = 0; i < m; i++)
    for (int k = ef[i]; k <= i; k++) el[k] = i; /* rows ascending: the last write is the largest */
  qp->blk_ok = 0;
}

/* The envelope's diagonal blocks: row j starts one when no row at or below it reaches left of j;
 * each column's block and the columns by block. qp->cnt/ridx must be this call's columns. */
static void env_blocks(hl_qp *qp) {
  const int m = qp->m, *ef = qp->ef;
  int *rb = qp->row_blk;
  int low = m, nb = 0;
  for (int j = m - 1; j >= 0; j--) {
    low = ef[j] < low ? ef[j] : low;
    rb[j] = low == j; /* first row of a block */
  }
  for (int j = 0; j < m; j++) {
    if (rb[j]) qp->blk_start[nb++] = j;
    rb[j] = nb - 1;
  }
  qp->blk_start[nb] = m;
  qp->nblk = nb;
  int *bs = qp->bcol_start;
  memset(bs, 0, sizeof(int) * (size_t)(nb + 1));
  for (int i = 0; i < qp->n; i++) {
    int k = qp->cnt[i] > 0 ? rb[qp->ridx[(size_t)i * m]] : -1;
    qp->col_blk[i] = k;
    if (k >= 0) bs[k + 1]++;
  }
  for (int k = 0; k < nb; k++) bs[k + 1] += bs[k];
  for (int i = 0; i < qp->n; i++) {
    int k = qp->col_blk[i];
    if (k >= 0) qp->bcol[bs[k]++] = i; /* bs[k] advances to the next block's start */
  }
  for (int k = nb; k > 0; k--) bs[k] = bs[k - 1]; /* shift back */
  bs[0] = 0;
  qp->blk_ok = 1;
}

/* Zero the envelope of M. */
static void env_zero(double *M, int m, const int *ef) {
  for (int i = 0; i < m; i++)
    memset(M + (size_t)i * m + ef[i], 0, sizeof(double) * (size_t)(i - ef[i] + 1));
}

/* Copy the envelope of src into dst. */
static void env_copy(double *dst, const double *src, int m, const int *ef) {
  for (int i = 0; i < m; i++)
    memcpy(dst + (size_t)i * m + ef[i], src + (size_t)i * m + ef[i],
           sizeof(double) * (size_t)(i - ef[i] + 1));
}

/* Row j's step of the envelope Cholesky after its pivot d (> 0 or not): L_jj = √d, then column j
 * of L below it within the envelope. */
static inline void chol_column(double *restrict M, int m, const int *restrict ef,
                               const int *restrict el, int j, double d) {
  double *rj = M + (size_t)j * m;
  const int fj = ef[j];
  d = sqrt(d);
  rj[j] = d;
  for (int i = j + 1; i <= el[j]; i++) {
    if (ef[i] > j) continue;
    double *ri = M + (size_t)i * m;
    int f = ef[i] > fj ? ef[i] : fj;
    ri[j] = (ri[j] - dot(ri + f, rj + f, j - f)) / d;
  }
}

/* In-place Cholesky of the lower triangle of the m×m row-major M within its envelope ef/el, rows
 * j0..j1−1 (all rows, or whole diagonal blocks: a block reads only its own entries). Returns 0 when
 * a pivot is not clearly positive (not above floor_piv). Each row's pivot before its square root
 * and its diagonal entry go to pd/pj; *lo (may be NULL) is lowered to the smallest pivot relative
 * to its own diagonal entry. */
static int chol_rows(double *restrict M, int m, const int *restrict ef, const int *restrict el,
                     int j0, int j1, double floor_piv, double *restrict pd, double *restrict pj,
                     double *lo) {
  double lo_l = lo ? *lo : 0.0; /* a local: the stores into M cannot change it */
  for (int j = j0; j < j1; j++) {
    double *rj = M + (size_t)j * m;
    int fj = ef[j];
    double d = rj[j] - dot(rj + fj, rj + fj, j - fj);
    pd[j] = d;
    pj[j] = rj[j];
    if (!(d > floor_piv)) return 0;
    lo_l = d < lo_l * rj[j] ? d / rj[j] : lo_l; /* the pivot relative to its diagonal entry */
    chol_column(M, m, ef, el, j, d);
  }
  if (lo) *lo = lo_l;
  return 1;
}

/* The whole factorization. Returns 0 when a pivot is not clearly positive (relative to the
 * largest diagonal entry `dmax`). *dmin (may be NULL) gets the smallest pivot relative to its own
 * diagonal entry. */
static int chol(double *M, int m, const int *ef, const int *el, double dmax, double *dmin,
                double *pd, double *pj) {
  double lo = INFINITY;
  if (!chol_rows(M, m, ef, el, 0, m, 1e-14 * (dmax > 0 ? dmax : 1.0), pd, pj, &lo)) return 0;
  if (dmin) *dmin = lo;
  return 1;
}

/* Solve L Lᵀ y = r in place (L within the envelope ef). The backward pass runs over the rows of L
 * (contiguous): once y_i is final, its multiple of row i is taken off y_ef[i]..y_{i−1}. */
static void chol_solve_rows(const double *L, int m, const int *ef, double *y, int j0, int j1) {
  for (int i = j0; i < j1; i++) {
    const double *Li = L + (size_t)i * m;
    y[i] = (y[i] - dot(Li + ef[i], y + ef[i], i - ef[i])) / Li[i];
  }
  for (int i = j1 - 1; i >= j0; i--) {
    const double *Li = L + (size_t)i * m;
    double yi = y[i] / Li[i];
    y[i] = yi;
    for (int k = ef[i]; k < i; k++) y[k] -= Li[k] * yi;
  }
}

/* The envelope's diagonal blocks (env_blocks) are independent: no row of one reads another's.
 * chol_rows and chol_solve_rows run a block's rows one after the other, each waiting on the
 * previous one's division; the two functions below run the blocks side by side instead (row t of
 * every block, then row t + 1 of every block, ...), so the blocks' dependency chains overlap. Each
 * row is computed by the same operations in the same order as before: the same bits. Blocks k with
 * dirty[k] = 0 are skipped (dirty may be NULL: all blocks). */

/* chol_rows over the blocks side by side. It does not stop at a pivot that is not clearly
 * positive (pd and pj get every row's; the caller tests them in row order, as chol_rows does, and
 * the first failing row is the same: no row before it depends on it); the factor is then
 * meaningless, and the fast path forms J again in every such case. */
static void chol_blocks(double *restrict M, int m, const int *restrict ef,
                        const int *restrict el, const int *bs, int nb,
                        const unsigned char *dirty, double *restrict pd, double *restrict pj) {
  for (int t = 0;; t++) {
    int any = 0;
    for (int k = 0; k < nb; k++) {
      const int j = bs[k] + t;
      if ((dirty && !dirty[k]) || j >= bs[k + 1]) continue;
      any = 1;
      double *rj = M + (size_t)j * m;
      const int fj = ef[j];
      double d = rj[j] - dot(rj + fj, rj + fj, j - fj);
      pd[j] = d;
      pj[j] = rj[j];
      chol_column(M, m, ef, el, j, d);
    }
    if (!any) return;
  }
}

/* chol_solve_rows over the blocks side by side. */
static void chol_solve_blocks(const double *L, int m, const int *ef, const int *bs, int nb,
                              const unsigned char *dirty, double *y) {
  int len = 0;
  for (int k = 0; k < nb; k++)
    if (!dirty || dirty[k]) len = bs[k + 1] - bs[k] > len ? bs[k + 1] - bs[k] : len;
  for (int t = 0; t < len; t++)
    for (int k = 0; k < nb; k++) {
      const int i = bs[k] + t;
      if ((dirty && !dirty[k]) || i >= bs[k + 1]) continue;
      const double *Li = L + (size_t)i * m;
      y[i] = (y[i] - dot(Li + ef[i], y + ef[i], i - ef[i])) / Li[i];
    }
  for (int t = 0; t < len; t++)
    for (int k = 0; k < nb; k++) {
      const int i = bs[k + 1] - 1 - t;
      if ((dirty && !dirty[k]) || i < bs[k]) continue;
      const double *Li = L + (size_t)i * m;
      double yi = y[i] / Li[i];
      y[i] = yi;
      for (int c = ef[i]; c < i; c++) y[c] -= Li[c] * yi;
    }
}

/* All rows (rows j0..j1−1 above: whole diagonal blocks, each independent of the others). */
static void chol_solve(const double *L, int m, const int *ef, double *y) {
  chol_solve_rows(L, m, ef, y, 0, m);
}

/* Build J = A_F diag(1/(2h_F)) A_Fᵀ + inv2rho I for the free set of `act` from the sparse columns
 * (lower triangle; an unfactorized copy is kept in Jc for the refinement step) and factorize it
 * (with a small ridge when singular). Returns the number of free variables. */
static int build_factor(hl_qp *qp, const int *act, double inv2rho) {
  int m = qp->m, n = qp->n, nf = 0;
  double *J = qp->Jc;
  env_zero(J, m, qp->ef);
  for (int i = 0; i < n; i++) {
    if (act[i] != 0) continue;
    qp->free_idx[nf++] = i;
    const int *ri = qp->ridx + (size_t)i * m;
    const double *vi = qp->cval + (size_t)i * m;
    double s = qp->xt[i] * qp->xt[i]; /* xt holds 1/sqrt(2h) while factorizing */
    for (int p = 0; p < qp->cnt[i]; p++) {
      double sv = s * vi[p];
      double *row = J + (size_t)ri[p] * m;
      for (int q = 0; q <= p; q++) row[ri[q]] += sv * vi[q];
    }
  }
  double dmax = 0.0;
  for (int j = 0; j < m; j++) {
    J[(size_t)j * m + j] += inv2rho;
    if (J[(size_t)j * m + j] > dmax) dmax = J[(size_t)j * m + j];
  }
  if (dmax <= 0.0) dmax = 1.0;
  qp->ridged = 0;
  qp->nf = nf;
  qp->inv2rho = inv2rho;
  env_copy(qp->J, J, m, qp->ef);
  if (!chol(qp->J, m, qp->ef, qp->el, dmax, NULL, qp->piv_d, qp->piv_j)) {
    qp->ridged = 1;
    /* Singular free-variable subproblem (too few free columns or dependent rows): add a ridge
     * relative to the scale of J and factorize again. The iteration stays an ascent method. */
    for (double ridge = 1e-10; ridge < 1.0; ridge *= 100.0) {
      env_copy(qp->J, J, m, qp->ef);
      for (int j = 0; j < m; j++) qp->J[(size_t)j * m + j] += ridge * dmax;
      if (chol(qp->J, m, qp->ef, qp->el, dmax, NULL, qp->piv_d, qp->piv_j)) break;
    }
  }
  return nf;
}

/* t = Aᵀ v from the sparse columns. */
static void sparse_atv(const hl_qp *qp, const double *v, double *t) {
  int m = qp->m;
  for (int i = 0; i < qp->n; i++) {
    const int *ri = qp->ridx + (size_t)i * m;
    const double *vi = qp->cval + (size_t)i * m;
    double s = 0.0;
    for (int p = 0; p < qp->cnt[i]; p++) s += vi[p] * v[ri[p]];
    t[i] = s;
  }
}

/* out = r − Jc·v with the lower triangle of Jc (symmetric) within the envelope ef/el. */
static void sym_resid(const double *Jc, int m, const int *ef, const int *el, const double *r,
                      const double *v, double *out) {
  for (int j = 0; j < m; j++) {
    const double *Jj = Jc + (size_t)j * m;
    double s = r[j];
    for (int k = ef[j]; k <= j; k++) s -= Jj[k] * v[k];
    for (int k = j + 1; k <= el[j]; k++)
      if (ef[k] <= j) s -= Jc[(size_t)k * m + j] * v[k];
    out[j] = s;
  }
}

/* λ for the working set `act` (bound variables at their bounds), and the corresponding free
 * values xs_F = c_F + (A_Fᵀλ)_F/(2h_F). J must be factorized for `act`. Fills qp->t = Aᵀλ. */
static void subproblem(hl_qp *qp, const double *b, const double *lb, const double *ub,
                       const int *act) {
  int m = qp->m, n = qp->n;
  memcpy(qp->rhs, b, sizeof(double) * (size_t)m);
  for (int i = 0; i < n; i++) {
    double xi = act[i] < 0 ? lb[i] : act[i] > 0 ? ub[i] : qp->c[i];
    if (xi == 0.0) continue;
    const int *ri = qp->ridx + (size_t)i * m;
    const double *vi = qp->cval + (size_t)i * m;
    for (int p = 0; p < qp->cnt[i]; p++) qp->rhs[ri[p]] -= vi[p] * xi;
  }
  memcpy(qp->lam, qp->rhs, sizeof(double) * (size_t)m);
  chol_solve(qp->J, m, qp->ef, qp->lam);
  /* One step of iterative refinement against the unfactorized J, which recovers the digits an
   * ill-conditioned J costs the Cholesky solve. */
  sym_resid(qp->Jc, m, qp->ef, qp->el, qp->rhs, qp->lam, qp->dlam);
  chol_solve(qp->J, m, qp->ef, qp->dlam);
  for (int j = 0; j < m; j++) qp->lam[j] += qp->dlam[j];
  sparse_atv(qp, qp->lam, qp->t);
  for (int i = 0; i < n; i++)
    qp->xs[i] = act[i] < 0 ? lb[i] : act[i] > 0 ? ub[i] : qp->c[i] + qp->t[i] / (2.0 * qp->h[i]);
}

/* Primal active-set method on  min Σ h (x − c)² + (1/(4·inv2rho))‖A x − b‖²  over the box
 * (inv2rho > 0: the elastic problem, for which every point of the box is feasible, so no phase 1
 * is needed). x (in: any point, projected into the box and onto the working set qp->act; out: the
 * answer). Each iteration solves the working-set subproblem exactly, then either moves to the
 * first blocking bound (adding it) or, at the subproblem minimizer, releases the bound whose
 * multiplier has the wrong sign (largest violation; smallest index after many iterations, which
 * rules out cycling). Returns 1 at a KKT point. */
static int active_set(hl_qp *qp, const double *b, const double *lb,
                      const double *ub, double *x, double inv2rho, int max_it, int *iters) {
  int n = qp->n;
  int *act = qp->act;
  for (int i = 0; i < n; i++) {
    if (act[i] < 0 && isfinite(lb[i])) x[i] = lb[i];
    else if (act[i] > 0 && isfinite(ub[i])) x[i] = ub[i];
    else {
      act[i] = 0;
      if (!(x[i] >= lb[i])) x[i] = lb[i];
      if (!(x[i] <= ub[i])) x[i] = ub[i];
      if (!isfinite(x[i])) x[i] = 0.0;
    }
  }
  for (int it = 0; it < max_it; it++) {
    (*iters)++;
    build_factor(qp, act, inv2rho);
    subproblem(qp, b, lb, ub, act);
    /* Longest step toward the subproblem minimizer that stays in the box. */
    double alpha = 1.0;
    int block = -1, bside = 0;
    for (int i = 0; i < n; i++) {
      if (act[i]) continue;
      double d = qp->xs[i] - x[i];
      if (d < 0 && qp->xs[i] < lb[i]) {
        double a = (lb[i] - x[i]) / d;
        if (a < alpha) { alpha = a; block = i; bside = -1; }
      } else if (d > 0 && qp->xs[i] > ub[i]) {
        double a = (ub[i] - x[i]) / d;
        if (a < alpha) { alpha = a; block = i; bside = 1; }
      }
    }
    if (alpha < 0) alpha = 0;
    for (int i = 0; i < n; i++)
      if (!act[i]) x[i] += alpha * (qp->xs[i] - x[i]);
    if (block >= 0) {
      act[block] = bside;
      x[block] = bside < 0 ? lb[block] : ub[block];
      continue;
    }
    /* At the working-set minimizer: multipliers of the bounds. */
    double tmax = 0.0;
    for (int i = 0; i < n; i++) tmax = fmax(tmax, fabs(qp->t[i]));
    double ntol = 1e-11 * (1.0 + tmax);
    int worst = -1;
    double wv = 0.0;
    for (int i = 0; i < n; i++) {
      if (!act[i]) continue;
      double nu = 2.0 * qp->h[i] * (x[i] - qp->c[i]) - qp->t[i];
      double viol = act[i] < 0 ? -nu : nu; /* > 0: wrong sign */
      if (viol > ntol) {
        if (it > max_it / 2) { worst = i; break; } /* smallest index: anti-cycling */
        if (viol > wv) { wv = viol; worst = i; }
      }
    }
    if (worst < 0) return 1;
    act[worst] = 0;
  }
  return 0;
}

/* p = 2 driver around h, c already set: the elastic active-set solve, then an exact polish with
 * the same working set (ρ = ∞) when that keeps x in the box and the bound multipliers' signs. */
static hl_status solve_p2(hl_qp *qp, const double *A, const double *b, const double *lb,
                          const double *ub, double *x, double tol_abs, int warm, int *iters,
                          double *resid, int *lsq) {
  int m = qp->m, n = qp->n;
  *lsq = 0;
  for (int i = 0; i < n; i++) qp->xt[i] = 1.0 / sqrt(2.0 * qp->h[i]);
  if (!warm) {
    /* Cold start: working set from the bounds the all-free least-norm answer violates. */
    for (int i = 0; i < n; i++) qp->act[i] = 0;
    if (m > 0) {
      build_factor(qp, qp->act, 0.0);
      subproblem(qp, b, lb, ub, qp->act);
      for (int i = 0; i < n; i++) {
        qp->act[i] = qp->xs[i] < lb[i] ? -1 : qp->xs[i] > ub[i] ? 1 : 0;
        x[i] = qp->xs[i];
      }
      (*iters)++;
    }
  }
  if (m == 0) {
    for (int i = 0; i < n; i++) {
      double v = qp->c[i];
      x[i] = v < lb[i] ? lb[i] : v > ub[i] ? ub[i] : v;
      qp->act[i] = v < lb[i] ? -1 : v > ub[i] ? 1 : 0;
    }
    *resid = 0.0;
    return HL_OK;
  }
  /* Elastic penalty ρ: QP_RHO_REL times the curvature of the stiffest cost term, measured
   * through the largest row norm of A. */
  double hmax = 0.0, jscale = 0.0;
  for (int i = 0; i < n; i++) hmax = fmax(hmax, qp->h[i]);
  for (int j = 0; j < m; j++) {
    const double *aj = A + (size_t)j * n;
    double s = 0.0;
    for (int i = 0; i < n; i++) s += aj[i] * aj[i];
    if (s > jscale) jscale = s;
  }
  jscale /= 2.0 * hmax;
  if (!(jscale > 0.0)) jscale = 1.0;
  double inv2rho = jscale / QP_RHO_REL;
  int ok = 0, polished = 0;
  /* Elastic solve, then the exact polish; when the polish does not hold (the elastic working set
   * is not yet the exact one), raise ρ and continue from the current working set. */
  for (int round = 0; round < 3 && !polished; round++, inv2rho *= 1e-4) {
    int budget = qp->set.max_iter;
    ok = active_set(qp, b, lb, ub, x, inv2rho, budget, iters);
    if (!ok) break;
    build_factor(qp, qp->act, 0.0);
    if (qp->ridged) break; /* rank-deficient working set: no exact answer with it */
    memcpy(qp->lam_try, qp->lam, sizeof(double) * (size_t)m);
    subproblem(qp, b, lb, ub, qp->act);
    double tmax = 0.0;
    for (int i = 0; i < n; i++) tmax = fmax(tmax, fabs(qp->t[i]));
    double ntol = 1e-9 * (1.0 + tmax);
    int good = 1;
    for (int i = 0; i < n && good; i++) {
      if (qp->act[i] == 0) {
        double span = 1e-12 * (1.0 + fabs(qp->xs[i]));
        if (qp->xs[i] < lb[i] - span || qp->xs[i] > ub[i] + span) good = 0;
      } else {
        double nu = 2.0 * qp->h[i] * (qp->xs[i] - qp->c[i]) - qp->t[i];
        if ((qp->act[i] < 0 ? -nu : nu) > ntol) good = 0;
      }
    }
    if (good) {
      for (int i = 0; i < n; i++) {
        double v = qp->xs[i];
        x[i] = v < lb[i] ? lb[i] : v > ub[i] ? ub[i] : v;
      }
      polished = 1;
    } else {
      memcpy(qp->lam, qp->lam_try, sizeof(double) * (size_t)m);
    }
  }
  double r = 0.0;
  for (int j = 0; j < m; j++) r = fmax(r, fabs(b[j] - dot(A + (size_t)j * n, x, n)));
  *resid = r;
  if (!ok) return QP_ITERATION_LIMIT;
  if (r <= tol_abs) return HL_OK;
  *lsq = 1;
  return QP_LEAST_SQUARES;
}

static double cost_p(const double *w, const double *x, int n, double p) {
  double s = 0.0;
  for (int i = 0; i < n; i++) {
    double a = fabs(x[i]);
    s += w[i] * (p == 2.0 ? a * a : pow(a, p));
  }
  return s;
}

/* Derivative of Σ w|x + α d|^p with respect to α. */
static double dcost_dalpha(const double *w, const double *x, const double *d, int n, double p,
                           double alpha) {
  double s = 0.0;
  for (int i = 0; i < n; i++) {
    if (d[i] == 0.0) continue;
    double v = x[i] + alpha * d[i];
    double a = fabs(v);
    if (a == 0.0) continue;
    s += p * w[i] * pow(a, p - 1.0) * (v > 0 ? 1.0 : -1.0) * d[i];
  }
  return s;
}

/* ------------------------------------------------------------------ fast path (p = 2) */

#ifndef QP_NO_REFINE
#define QP_NO_REFINE 1e-4 /* pivot ratio above which a fresh factor's solve is not refined */
#endif

static int factor_formed(hl_qp *qp, double inv2rho);

/* J += s a aᵀ for a column with c nonzeros (rows ri, values vi), lower triangle: row by row in the
 * column's order, every fast-path formation of J (round_pass, form_J) in the same order. */
static inline void add_outer(double *J, int m, const int *ri, const double *vi, int c, double s) {
  for (int p = 0; p < c; p++) {
    double sv = s * vi[p];
    double *row = J + (size_t)ri[p] * m;
    for (int q = 0; q <= p; q++) row[ri[q]] += sv * vi[q];
  }
}

/* M = Σ_free a_i a_iᵀ/(2 w_i) + inv2rho I for the working set act, the same bits as round_pass and
 * factor_formed form it: the unfactorized J for the (rare) refinement step is formed again when
 * that step runs instead of copied every round. */
static void form_J(const hl_qp *qp, const int *act, double inv2rho, double *M) {
  const int m = qp->m;
  env_zero(M, m, qp->ef);
  for (int i = 0; i < qp->n; i++)
    if (!act[i])
      add_outer(M, m, qp->ridx + (size_t)i * m, qp->cval + (size_t)i * m, qp->cnt[i], qp->iw2[i]);
  for (int j = 0; j < m; j++) M[(size_t)j * m + j] += inv2rho;
}

/* One pass over the columns for a round of the fast path: r = b − A_B x_B (bound columns at a
 * zero bound skipped) and J = Σ_free a_i a_iᵀ/(2 w_i) into qp->J (same order of operations as
 * the two separate passes). Returns the number of free variables. */
static int round_pass(hl_qp *qp, const int *act, const double *b, const double *lb,
                      const double *ub, double *r) {
  const int m = qp->m;
  double *J = qp->J;
  memcpy(r, b, sizeof(double) * (size_t)m);
  /* one memset of the whole m × m block: cheaper than one per envelope row (m calls of a few
   * entries each); entries outside the envelope are never read */
  memset(J, 0, sizeof(double) * (size_t)m * (size_t)m);
  int nfree = 0;
  for (int i = 0; i < qp->n; i++) {
    const int *ri = qp->ridx + (size_t)i * m;
    const double *vi = qp->cval + (size_t)i * m;
    const int c = qp->cnt[i];
    if (act[i]) {
      double xb = act[i] < 0 ? lb[i] : ub[i];
      if (xb == 0.0) continue; /* nothing to take off (a muscle bound at zero activation) */
      for (int p = 0; p < c; p++) r[ri[p]] -= vi[p] * xb;
    } else {
      nfree++;
      add_outer(J, m, ri, vi, c, qp->iw2[i]);
    }
  }
  return nfree;
}

/* round_pass for the dirty blocks' rows only: their r = b − A_B x_B and J entries from their own
 * columns, in the same order (every column's rows lie in one block), so the same bits as a full
 * pass. The other rows keep r and the factor of the round that formed them: none of their columns
 * changed status since, so recomputing them would give the same bits. */
static void partial_pass(hl_qp *qp, const int *act, const double *b, const double *lb,
                         const double *ub, double *r) {
  const int m = qp->m;
  double *J = qp->J;
  for (int k = 0; k < qp->nblk; k++)
    if (qp->blk_dirty[k])
      for (int j = qp->blk_start[k]; j < qp->blk_start[k + 1]; j++) {
        r[j] = b[j];
        double *row = J + (size_t)j * m;
        for (int q = qp->ef[j]; q <= j; q++) row[q] = 0.0;
      }
  /* the dirty blocks' columns (block by block, ascending within one: each row sees its columns
   * in ascending order, as in round_pass), listed for the Aᵀλ pass too */
  int nd = 0;
  for (int k = 0; k < qp->nblk; k++)
    if (qp->blk_dirty[k])
      for (int t = qp->bcol_start[k]; t < qp->bcol_start[k + 1]; t++) qp->free_idx[nd++] = qp->bcol[t];
  qp->ndcol = nd;
  for (int t = 0; t < nd; t++) {
    const int i = qp->free_idx[t];
    const int *ri = qp->ridx + (size_t)i * m;
    const double *vi = qp->cval + (size_t)i * m;
    const int c = qp->cnt[i];
    if (act[i]) {
      double xb = act[i] < 0 ? lb[i] : ub[i];
      if (xb == 0.0) continue;
      for (int p = 0; p < c; p++) r[ri[p]] -= vi[p] * xb;
    } else
      add_outer(J, m, ri, vi, c, qp->iw2[i]);
  }
}

/* chol's pivot test on the pivots chol_blocks recorded, in row order: 0 at the first one not
 * clearly positive (relative to the largest diagonal entry dmax); else *lo = the smallest pivot
 * relative to its own diagonal entry. */
static int pivots_ok(const hl_qp *qp, double dmax, double *lo) {
  double floor_piv = 1e-14 * dmax, l = INFINITY;
  for (int j = 0; j < qp->m; j++) {
    double d = qp->piv_d[j];
    if (!(d > floor_piv)) return 0;
    l = d < l * qp->piv_j[j] ? d / qp->piv_j[j] : l;
  }
  *lo = l;
  return 1;
}

/* factor_formed for the dirty blocks: the same largest diagonal entry (the kept rows' entries are
 * in piv_j), the dirty blocks factorized, then every row's pivot tested against the floor and the
 * smallest relative pivot found in row order, as one whole factorization would. */
static int factor_partial(hl_qp *qp, double inv2rho) {
  const int m = qp->m;
  double *J = qp->J, dmax = 0.0;
  for (int j = 0; j < m; j++) {
    double djj;
    if (qp->blk_dirty[qp->row_blk[j]]) {
      J[(size_t)j * m + j] += inv2rho;
      djj = J[(size_t)j * m + j];
    } else
      djj = qp->piv_j[j];
    dmax = djj > dmax ? djj : dmax;
  }
  qp->piv_ratio = 0.0;
  if (!(dmax > 0.0)) return 0;
  chol_blocks(J, m, qp->ef, qp->el, qp->blk_start, qp->nblk, qp->blk_dirty, qp->piv_d, qp->piv_j);
  double lo;
  if (!pivots_ok(qp, dmax, &lo)) return 0;
  qp->piv_ratio = lo;
  return 1;
}

/* J = Σ_free a_i a_iᵀ/(2 w_i) (summed by round_pass into qp->J) + inv2rho I: its Cholesky factor
 * in place (form_J gives the unfactorized J again when the refinement step needs it). Returns 0
 * when J is not clearly positive definite. */
static int factor_formed(hl_qp *qp, double inv2rho) {
  const int m = qp->m;
  double *J = qp->J;
  double dmax = 0.0;
  for (int j = 0; j < m; j++) {
    J[(size_t)j * m + j] += inv2rho;
    dmax = J[(size_t)j * m + j] > dmax ? J[(size_t)j * m + j] : dmax;
  }
  if (!(dmax > 0.0)) return 0;
  double dmin = 0.0;
  int ok;
  if (qp->blk_ok) {
    /* the blocks side by side; then chol's pivot test and smallest relative pivot in row order */
    chol_blocks(J, m, qp->ef, qp->el, qp->blk_start, qp->nblk, NULL, qp->piv_d, qp->piv_j);
    ok = pivots_ok(qp, dmax, &dmin);
  } else
    ok = chol(J, m, qp->ef, qp->el, dmax, &dmin, qp->piv_d, qp->piv_j);
  qp->piv_ratio = ok ? dmin : 0.0;
  return ok;
}

/* chol_solve, by blocks side by side when the block tables are formed */
static void solve_J(const hl_qp *qp, double *y) {
  if (qp->blk_ok)
    chol_solve_blocks(qp->J, qp->m, qp->ef, qp->blk_start, qp->nblk, NULL, y);
  else
    chol_solve(qp->J, qp->m, qp->ef, y);
}

/* The next working set from the last good one (qp->act_try, with qp->t = Aᵀλ and z of its
 * solve): every bound whose multiplier has the wrong sign (beyond ntol) is released, every free
 * variable whose z leaves the box is bound. Writes act; returns the number of changes. */
static int next_set(hl_qp *qp, int *act, const double *w, const double *lb, const double *ub,
                    double ntol) {
  const int n = qp->n;
  const double *z = qp->z, *t = qp->t;
  int changed = 0, nf = 0, nd = 0;
  if (qp->blk_ok) memset(qp->blk_dirty, 0, (size_t)qp->nblk);
  for (int i = 0; i < n; i++) {
    int a = qp->act_try[i], na = a;
    if (a) {
      double xb = a < 0 ? lb[i] : ub[i];
      double nu = 2.0 * w[i] * xb - t[i]; /* ≥ 0 at a lower bound, ≤ 0 at an upper one */
      if ((a < 0 ? -nu : nu) > ntol) na = 0;
    } else {
      double span = 1e-12 * (1.0 + fabs(z[i]));
      if (z[i] < lb[i] - span) na = -1;
      else if (z[i] > ub[i] + span) na = 1;
    }
    act[i] = na;
    nf += !na;
    if (na != a) {
      changed++;
      int k = qp->blk_ok ? qp->col_blk[i] : -1; /* the blocks the next round must redo */
      if (k >= 0 && !qp->blk_dirty[k]) {
        qp->blk_dirty[k] = 1;
        nd++;
      }
    }
  }
  qp->ndirty = nd;
  qp->nfree_next = nf;
  return changed;
}

/* The p = 2 problem's dual: with λ the equality multipliers, the answer is
 *   x_i = clamp(z_i, lb_i, ub_i),   z_i = (Aᵀλ)_i / (2 w_i),
 * and λ solves the piecewise-linear system A x(λ) = b. Newton's method on it (a primal-dual
 * active-set iteration, Hintermüller–Ito–Kunisch 2002): for the current working set, solve the
 * equality-constrained subproblem exactly (one m×m Cholesky of J = Σ_free a_i a_iᵀ / (2 w_i),
 * formed from the sparse columns inside its envelope), then put every variable
 * whose z leaves its box on that bound and release every bound whose multiplier has the wrong
 * sign. When the working set repeats, x satisfies the KKT conditions exactly (the same test as
 * the polish of the robust method). When a working set is rank-deficient (a block of J has fewer
 * independent free columns than rows: too many of its muscles bound at once), the iteration
 * switches once to the elastic problem  min Σ w x² + ρ‖A x − b‖²  (ρ = 1e8 × the stiffest cost
 * curvature, as the robust method uses): the same iteration with J + I/(2ρ), positive definite for
 * every working set. When its working set repeats, that set is re-solved exactly (ρ = ∞) and the
 * exact iteration goes on from it; it usually repeats at once. Returns 1 on success (x, qp->act,
 * qp->lam set); 0 when the iteration does not settle within `rounds` or meets a rank-deficient set
 * again — the caller then runs the robust method, so the fast path never decides an answer it
 * cannot certify. */
static int fast_p2(hl_qp *qp, const double *b, const double *w, const double *lb,
                   const double *ub, double *x, int rounds, int *iters) {
  const int m = qp->m, n = qp->n;
  int *act = qp->act_new;
  double *J = qp->J, *lam = qp->lam_try, *r = qp->rhs, *z = qp->z;
  memcpy(act, qp->act, sizeof(int) * (size_t)n);
  for (int i = 0; i < n && !qp->b_finite; i++) /* a bound that is not finite cannot hold a variable */
    if ((act[i] < 0 && !isfinite(lb[i])) || (act[i] > 0 && !isfinite(ub[i]))) act[i] = 0;
  int elastic = 0, tried = 0;
  int kept = 0; /* the last round factorized and solved (no refinement) with this inv2rho: the
                   blocks none of whose columns changed status can be kept */
  double inv2rho = 0.0;
  for (int round = 0; round < rounds; round++) {
    (*iters)++;
    /* Every round factorizes afresh (inside the envelope that is cheaper than perf2's rank-one
     * updates were, and it makes the answer a function of the problem and its final working set
     * only: the same bits however the set was reached, warm or cold, one thread or two). After a
     * working-set change only the blocks of J holding a changed column are formed, factorized and
     * solved again; the others' values would come out the same bits. */
    int nfree = 0, ok = 0, part = 0;
    if (kept && qp->blk_ok && qp->ndirty < qp->nblk) {
      nfree = qp->nfree_next;
      partial_pass(qp, act, b, lb, ub, r);
      ok = (nfree >= m || elastic) && factor_partial(qp, inv2rho);
      /* a refinement step would touch every block: then the whole round again */
      part = !ok || qp->piv_ratio > QP_NO_REFINE;
    }
    if (!part) {
      nfree = round_pass(qp, act, b, lb, ub, r);
      ok = (nfree >= m || elastic) && factor_formed(qp, inv2rho);
    }
    kept = 0;
    if (!ok) {
      if (tried) return 0;
      /* Rank-deficient working set: go on with the elastic problem from it. */
      tried = elastic = 1;
      double jmax = 0.0;
      for (int j = 0; j < m; j++) r[j] = 0.0;
      for (int i = 0; i < n; i++) {
        const int *ri = qp->ridx + (size_t)i * m;
        const double *vi = qp->cval + (size_t)i * m;
        for (int p = 0; p < qp->cnt[i]; p++) r[ri[p]] += vi[p] * vi[p] / (2.0 * w[i]);
      }
      for (int j = 0; j < m; j++) jmax = r[j] > jmax ? r[j] : jmax;
      inv2rho = (jmax > 0.0 ? jmax : 1.0) / QP_RHO_REL;
      continue;
    }
    double tmax = 0.0;
    if (part) {
      /* λ of the dirty blocks, then Aᵀλ and z of their columns; max |t| over all */
      for (int k = 0; k < qp->nblk; k++)
        if (qp->blk_dirty[k]) {
          int j0 = qp->blk_start[k], j1 = qp->blk_start[k + 1];
          memcpy(lam + j0, r + j0, sizeof(double) * (size_t)(j1 - j0));
        }
      chol_solve_blocks(J, m, qp->ef, qp->blk_start, qp->nblk, qp->blk_dirty, lam);
      for (int t = 0; t < qp->ndcol; t++) {
        const int i = qp->free_idx[t];
        const int *ri = qp->ridx + (size_t)i * m;
        const double *vi = qp->cval + (size_t)i * m;
        double s = 0.0;
        for (int p = 0; p < qp->cnt[i]; p++) s += vi[p] * lam[ri[p]];
        qp->t[i] = s;
        z[i] = s * qp->iw2[i];
      }
      for (int i = 0; i < n; i++) {
        double at = fabs(qp->t[i]);
        tmax = at > tmax ? at : tmax;
      }
      kept = 1;
    } else {
      memcpy(lam, r, sizeof(double) * (size_t)m);
      solve_J(qp, lam);
      /* One step of iterative refinement against the unfactorized J, unless the factor is fresh
       * and its pivots bound the condition number well enough that the solve alone is accurate. */
      if (!(qp->piv_ratio > QP_NO_REFINE)) {
        form_J(qp, act, inv2rho, qp->Jc);
        sym_resid(qp->Jc, m, qp->ef, qp->el, r, lam, qp->dlam);
        solve_J(qp, qp->dlam);
        for (int j = 0; j < m; j++) lam[j] += qp->dlam[j];
      } else
        kept = 1;
      /* z, the multipliers' signs, and the next working set */
      /* t = Aᵀλ, z and max |t| in one pass over the columns */
      for (int i = 0; i < n; i++) {
        const int *ri = qp->ridx + (size_t)i * m;
        const double *vi = qp->cval + (size_t)i * m;
        double s = 0.0;
        for (int p = 0; p < qp->cnt[i]; p++) s += vi[p] * lam[ri[p]];
        qp->t[i] = s;
        double at = fabs(s);
        tmax = at > tmax ? at : tmax;
        z[i] = s * qp->iw2[i];
      }
    }
    double ntol = 1e-9 * (1.0 + tmax);
    memcpy(qp->act_try, act, sizeof(int) * (size_t)n); /* the last nonsingular working set */
    int changed = next_set(qp, act, w, lb, ub, ntol);
    if (!changed && elastic) {
      /* the elastic working set: re-solve it exactly */
      elastic = 0;
      inv2rho = 0.0;
      kept = 0;
      continue;
    }
    if (!changed) {
      /* x, and max |A x − b| from the sparse columns in the same pass */
      memcpy(r, b, sizeof(double) * (size_t)m);
      for (int i = 0; i < n; i++) {
        double v = act[i] < 0 ? lb[i] : act[i] > 0 ? ub[i] : z[i];
        double xi = v < lb[i] ? lb[i] : v > ub[i] ? ub[i] : v;
        x[i] = xi;
        const int *ri = qp->ridx + (size_t)i * m;
        const double *vi = qp->cval + (size_t)i * m;
        for (int p = 0; p < qp->cnt[i]; p++) r[ri[p]] -= vi[p] * xi;
      }
      double e = 0.0;
      for (int j = 0; j < m; j++) e = fabs(r[j]) > e ? fabs(r[j]) : e;
      qp->fast_resid = e;
      memcpy(qp->act, act, sizeof(int) * (size_t)n);
      memcpy(qp->lam, lam, sizeof(double) * (size_t)m);
      return 1;
    }
  }
  return 0;
}

/* A dense copy of the caller's columns (only the fallback and the p ≠ 2 iteration read A densely). */
static const double *densify(hl_qp *qp) {
  int m = qp->m, n = qp->n;
  memset(qp->Ad, 0, sizeof(double) * (size_t)m * (size_t)n);
  for (int i = 0; i < n; i++)
    for (int p = 0; p < qp->cnt[i]; p++)
      qp->Ad[(size_t)qp->ridx[(size_t)i * m + p] * n + i] = qp->cval[(size_t)i * m + p];
  return qp->Ad;
}

/* Both entry points. Exactly one form of A is given: dense A (row-major), or the caller's columns
 * (cnt, rows, vals; A == NULL). `fn` names the entry point in messages. */
/* Predicted working set: a variable is bound exactly when its z = Aᵀλ/(2w) lies beyond the bound
 * (for a bound one that is its multiplier's sign), and z moves smoothly from frame to frame, so
 * extrapolate it linearly from the last two fast-path answers (qp->nhist ≥ 2). */
static void predict_set(hl_qp *qp, const double *lb, const double *ub) {
  for (int i = 0; i < qp->n; i++) {
    double zp = 2.0 * qp->zh1[i] - qp->zh2[i];
    qp->act[i] = zp < lb[i] ? -1 : zp > ub[i] ? 1 : 0;
  }
}

/* The fast path's answer z becomes the newest of the two remembered ones. */
static void push_history(hl_qp *qp) {
  double *t = qp->zh2;
  qp->zh2 = qp->zh1;
  qp->zh1 = t;
  memcpy(qp->zh1, qp->z, sizeof(double) * (size_t)qp->n);
  qp->nhist = qp->nhist < 2 ? qp->nhist + 1 : 2;
}

/* Weights and bounds: finite, positive weights, lb ≤ ub. Also forms the fast path's 1/(2w). */
static hl_status check_bounds(hl_qp *qp, const char *fn, const double *w, const double *lb,
                              const double *ub) {
  int n = qp->n;
  /* Weights and bounds: one pass that only ORs the failures (no branch per entry), then the first
   * bad entry is located for the message. */
  int bad = 0, infb = 0;
  qp->wb_ok = 0;
  for (int i = 0; i < n; i++) {
    bad |= !(w[i] > 0.0) | !(w[i] <= DBL_MAX) | !(lb[i] <= ub[i]) | (lb[i] == INFINITY) |
           (ub[i] == -INFINITY);
    infb |= !(fabs(lb[i]) <= DBL_MAX) | !(fabs(ub[i]) <= DBL_MAX);
    qp->iw2[i] = 0.5 / w[i]; /* the fast path's 1/(2w); only read when every w passed */
  }
  qp->b_finite = !infb;
  for (int i = 0; i < n && bad; i++) {
    if (!(w[i] > 0.0) || !isfinite(w[i])) {
      return hl_error_set(&qp->err, HL_ERR_BAD_VALUE, NULL, 0,
                          "%s: weight w[%d] = %g must be finite and > 0", fn, i, w[i]);
    }
    if (isnan(lb[i]) || isnan(ub[i]) || lb[i] > ub[i] || lb[i] == INFINITY || ub[i] == -INFINITY) {
      return hl_error_set(&qp->err, HL_ERR_BAD_VALUE, NULL, 0,
                          "%s: bounds of x[%d] are [%g, %g]", fn, i, lb[i],
                          ub[i]);
    }
  }
  qp->wb_ok = 1;
  return HL_OK;
}

/* A dense A: finite entries; its nonzeros by column (rows ascending) for the fast path. */
static hl_status take_dense(hl_qp *qp, const char *fn, const double *A) {
  int m = qp->m, n = qp->n;
  /* Check A and keep its nonzeros by column (rows ascending) for the fast path. */
  /* Branch-free: every entry is written to its column's next slot, which only advances past a
   * nonzero; non-finite entries are only flagged here (an OR, no floating-point dependency
   * chain) and located afterwards. */
  memset(qp->own_cnt, 0, sizeof(int) * (size_t)n);
  int nonfinite = 0;
  for (int j = 0; j < m; j++) {
    const double *aj = A + (size_t)j * n;
    for (int i = 0; i < n; i++) {
      double v = aj[i];
      nonfinite |= !(fabs(v) <= DBL_MAX);
      size_t o = (size_t)i * m + (size_t)qp->own_cnt[i];
      qp->own_ridx[o] = j;
      qp->own_cval[o] = v;
      qp->own_cnt[i] += v != 0.0; /* ≤ j + 1 after row j: the slot stays inside column i */
    }
  }
  if (nonfinite)
    for (int j = 0; j < m; j++)
      for (int i = 0; i < n; i++) {
        double v = A[(size_t)j * n + i];
        if (!isfinite(v)) {
                return hl_error_set(&qp->err, HL_ERR_BAD_VALUE, NULL, 0, "%s: A[%d][%d] = %g", fn,
                              j, i, v);
        }
      }
  qp->cnt = qp->own_cnt;
  qp->ridx = qp->own_ridx;
  qp->cval = qp->own_cval;
  envelope(qp);
  qp->env_ok = 1;
  return HL_OK;
}

/* The caller's columns: counts within 0..m, rows ascending within 0..m−1, values finite. */
static hl_status take_cols(hl_qp *qp, const char *fn, const int *ccnt, const int *crows,
                           const double *cvals) {
  int m = qp->m, n = qp->n, bad;
  /* The caller's columns: counts within 0..m, rows ascending within 0..m−1, values finite.
   * Again the failures are only ORed in the pass; a second pass names the first.
   * The same pass builds J's envelope row starts (see envelope()): only used when no column
   * is bad, and a row outside 0..m−1 is never written. */
  bad = 0;
  int *ef = qp->ef;
  for (int j = 0; j < m; j++) ef[j] = j;
  for (int i = 0; i < n; i++) {
    int c = ccnt[i];
    bad |= (c < 0) | (c > m);
    if (bad) break;
    const int *ri = crows + (size_t)i * m;
    const double *vi = cvals + (size_t)i * m;
    int prev = -1, r0 = c > 0 ? ri[0] : 0;
    /* rows strictly ascending from ≥ 0 (prev starts at −1): only the last can reach m */
    for (int k = 0; k < c; k++) {
      int r = ri[k];
      bad |= (r <= prev) | !(fabs(vi[k]) <= DBL_MAX);
      prev = r;
      if ((unsigned)r < (unsigned)m) ef[r] = ef[r] < r0 ? ef[r] : r0;
    }
    bad |= prev >= m;
  }
  for (int i = 0; i < n && bad; i++) {
    int c = ccnt[i];
    if (c < 0 || c > m) {
        return hl_error_set(&qp->err, HL_ERR_BAD_VALUE, NULL, 0,
                          "%s: column %d has %d nonzeros (m = %d)", fn, i, c, m);
    }
    const int *ri = crows + (size_t)i * m;
    const double *vi = cvals + (size_t)i * m;
    for (int k = 0; k < c; k++) {
      if (ri[k] < 0 || ri[k] >= m || (k > 0 && ri[k] <= ri[k - 1])) {
            return hl_error_set(&qp->err, HL_ERR_BAD_VALUE, NULL, 0,
                            "%s: column %d, entry %d: row %d (rows must ascend within 0..%d)",
                            fn, i, k, ri[k], m - 1);
      }
      if (!isfinite(vi[k])) {
            return hl_error_set(&qp->err, HL_ERR_BAD_VALUE, NULL, 0, "%s: A[%d][%d] = %g", fn,
                            ri[k], i, vi[k]);
      }
    }
  }
  qp->cnt = ccnt;
  qp->ridx = crows;
  qp->cval = cvals;
  envelope_last(qp);
  qp->env_ok = 1;
  return HL_OK;
}

/* p = 2: the fast path first (a warm working set usually holds), the robust method otherwise. */
static hl_status solve_2(hl_qp *qp, const double *A, const double *b, const double *w,
                         const double *lb, const double *ub, double *x, double tol_abs, int warm,
                         int *iters_out, double *resid_out, int *lsq_out) {
  int m = qp->m, n = qp->n, iters = 0, lsq = 0;
  double resid = 0.0;
  hl_status st;
  /* Fast path first (a warm working set usually holds); the robust method otherwise. */
  if (!warm) memset(qp->act, 0, sizeof(int) * (size_t)n);
  if (warm && qp->nhist >= 2) predict_set(qp, lb, ub);
  int fast_ok = 0;
  if (m > 0 && fast_p2(qp, b, w, lb, ub, x, warm ? 8 + m : 8 + 2 * m, &iters) &&
      (resid = qp->fast_resid) <= tol_abs) {
    st = HL_OK;
    fast_ok = 1;
  } else {
    for (int i = 0; i < n; i++) { qp->h[i] = w[i]; qp->c[i] = 0.0; }
    st = solve_p2(qp, A ? A : densify(qp), b, lb, ub, x, tol_abs, warm, &iters, &resid, &lsq);
    /* The robust method's answer carries the digits of its own path. Re-solve its working set as
     * the fast path would (one fresh round): when that set holds, the answer is the same
     * function of the problem and the working set as on every other frame. */
    if (st == HL_OK && m > 0) {
      memcpy(qp->xq, x, sizeof(double) * (size_t)n);
      double r2;
      if (fast_p2(qp, b, w, lb, ub, x, 1, &iters) && (r2 = qp->fast_resid) <= tol_abs) {
        resid = r2;
        fast_ok = 1;
      } else
        memcpy(x, qp->xq, sizeof(double) * (size_t)n);
    }
  }
  if (fast_ok) {
    push_history(qp);
  } else {
    qp->nhist = 0;
  }
  *iters_out = iters, *resid_out = resid, *lsq_out = lsq;
  return st;
}

/* p ≠ 2: the p = 2 answer, then the Newton (SQP) iteration. */
static hl_status solve_p(hl_qp *qp, const double *A, const double *b, const double *w,
                         const double *lb, const double *ub, double *x, double tol_abs, int warm,
                         int *iters_out, double *resid_out) {
  int m = qp->m, n = qp->n, iters = 0, lsq = 0;
  double p = qp->set.p, resid = 0.0;
  hl_status st;
  qp->nhist = 0;
  for (int i = 0; i < n; i++) { qp->h[i] = w[i]; qp->c[i] = 0.0; }
  if (!A) A = densify(qp);
  /* Feasible start: the p = 2 answer (its A x defines the target when infeasible). */
  st = solve_p2(qp, A, b, lb, ub, x, tol_abs, warm, &iters, &resid, &lsq);
  const double *bt = b;
  if (lsq) {
    for (int j = 0; j < m; j++) qp->bb[j] = dot(A + (size_t)j * n, x, n);
    bt = qp->bb;
  }
  if (st == HL_OK || st == QP_LEAST_SQUARES) {
    hl_status st_in = HL_OK;
    int outer, conv = 0;
    for (outer = 0; outer < qp->set.max_iter; outer++) {
      double xmax = 0.0;
      for (int i = 0; i < n; i++) xmax = fmax(xmax, fabs(x[i]));
      double xfloor = 1e-3 * (xmax > 0 ? xmax : 1.0);
      for (int i = 0; i < n; i++) {
        double a = fabs(x[i]) > xfloor ? fabs(x[i]) : xfloor;
        double s = x[i] > 0 ? 1.0 : x[i] < 0 ? -1.0 : 0.0;
        double grad = p * w[i] * pow(fabs(x[i]), p - 1.0) * s;
        double hh = 0.5 * p * (p - 1.0) * w[i] * pow(a, p - 2.0);
        qp->h[i] = hh;
        qp->c[i] = x[i] - grad / (2.0 * hh);
      }
      int dummy_lsq = 0;
      double r2;
      st_in = solve_p2(qp, A, bt, lb, ub, qp->xq, tol_abs, 1, &iters, &r2, &dummy_lsq);
      if (st_in != HL_OK) break;
      /* Exact line search on the convex 1-D restriction. */
      for (int i = 0; i < n; i++) qp->xq[i] -= x[i];
      /* No descent along the model step: the decrease the model promises (Σ h d²) is then below
       * what the round-off of A x = b costs (x feasible to ~1e-10 gives λ·(b − A x) of that
       * order), so x is the minimum to the cost's accuracy; a flat direction (a reserve near 0,
       * whose curvature 3w|x| vanishes) can leave a sizeable step with a vanishing decrease.
       * Without this test the line search returned α ≈ 0 and the same step forever, until
       * max_iter. Converged when that decrease is ≤ 1e-10 of the cost (measured on the sample
       * trial at p = 3: ≤ 2.3e-13); the answer is then the model's minimizer x + d, whose
       * multipliers are the ones hl_qp_multipliers returns. Otherwise stop with the iteration
       * limit. */
      if (!(dcost_dalpha(w, x, qp->xq, n, p, 0.0) < 0.0)) {
        double dec = 0.0;
        for (int i = 0; i < n; i++) dec += qp->h[i] * qp->xq[i] * qp->xq[i];
        conv = dec <= 1e-10 * cost_p(w, x, n, p);
        for (int i = 0; i < n && conv; i++) {
          double nx = x[i] + qp->xq[i];
          x[i] = nx < lb[i] ? lb[i] : nx > ub[i] ? ub[i] : nx;
        }
        outer++;
        break;
      }
      double alpha = 1.0;
      if (dcost_dalpha(w, x, qp->xq, n, p, 1.0) > 0.0) {
        double lo = 0.0, hi = 1.0;
        for (int k = 0; k < 60; k++) {
          double mid = 0.5 * (lo + hi);
          if (dcost_dalpha(w, x, qp->xq, n, p, mid) > 0.0) hi = mid; else lo = mid;
        }
        alpha = 0.5 * (lo + hi);
      }
      double step = 0.0;
      for (int i = 0; i < n; i++) {
        step = fmax(step, fabs(qp->xq[i]));
        double nx = x[i] + alpha * qp->xq[i];
        if (nx < lb[i]) nx = lb[i];
        if (nx > ub[i]) nx = ub[i];
        x[i] = nx;
      }
      /* Converged when the full model step (not the damped one) vanishes. */
      if (step <= 1e-10 * (xmax > 1.0 ? xmax : 1.0)) { conv = 1; outer++; break; }
    }
    if (st_in != HL_OK) st = st_in;
    else if (!conv) st = QP_ITERATION_LIMIT;
    /* Residual and active set of the final x. */
    resid = 0.0;
    for (int j = 0; j < m; j++) resid = fmax(resid, fabs(b[j] - dot(A + (size_t)j * n, x, n)));
    for (int i = 0; i < n; i++) qp->act[i] = x[i] <= lb[i] ? -1 : x[i] >= ub[i] ? 1 : 0;
    if (st == HL_OK && lsq) st = QP_LEAST_SQUARES;
  }
  *iters_out = iters, *resid_out = resid;
  return st;
}

static hl_status qp_solve(hl_qp *qp, const char *fn, const double *A, const int *ccnt,
                          const int *crows, const double *cvals, const double *b, const double *w,
                          const double *lb, const double *ub, double *x, int *active,
                          hl_qp_result *res) {
  hl_error_clear(&qp->err);
  qp->env_ok = 0;
  hl_qp_result dummy;
  if (!res) res = &dummy;
  memset(res, 0, sizeof *res);
  int m = qp->m, n = qp->n;
  if ((m > 0 && ((!A && !(ccnt && crows && cvals)) || !b)) || !w || !lb || !ub || !x) {
    return hl_error_set(&qp->err, HL_ERR_INVALID_ARG, NULL, 0,
                        "%s: A, b, w, lb, ub and x must not be NULL", fn);
  }
  double p = qp->set.p;
  if (!(p > 1.0) || !isfinite(p)) {
    return hl_error_set(&qp->err, HL_ERR_INVALID_ARG, NULL, 0,
                        "%s: exponent p = %g must be finite and > 1", fn, p);
  }
  hl_status st = check_bounds(qp, fn, w, lb, ub);
  if (st) return st;
  double bmax = 0.0;
  for (int j = 0; j < m; j++) {
    if (!isfinite(b[j])) {
      return hl_error_set(&qp->err, HL_ERR_BAD_VALUE, NULL, 0, "%s: b[%d] = %g", fn, j, b[j]);
    }
    if (fabs(b[j]) > bmax) bmax = fabs(b[j]);
  }
  st = A || m == 0 ? take_dense(qp, fn, A) : take_cols(qp, fn, ccnt, crows, cvals);
  if (st) return st;
  double tol_abs = qp->set.tol * (bmax > 1.0 ? bmax : 1.0);
  int warm = qp->set.warm_start && qp->have_warm;
  int iters = 0, lsq = 0;
  double resid = 0.0;

  /* The p = 2 problem: directly, or as the start of the p ≠ 2 iteration. The robust method
   * solves the centred problem Σ h (x − c)²: here h = w, c = 0. */
  if (p == 2.0) st = solve_2(qp, A, b, w, lb, ub, x, tol_abs, warm, &iters, &resid, &lsq);
  else st = solve_p(qp, A, b, w, lb, ub, x, tol_abs, warm, &iters, &resid);

  qp->have_warm = (st == HL_OK || st == QP_LEAST_SQUARES);
  int nact = 0;
  for (int i = 0; i < n; i++) {
    int a = x[i] <= lb[i] ? -1 : x[i] >= ub[i] ? 1 : 0;
    if (a) nact++;
    if (active) active[i] = a;
  }
  res->outcome = st == QP_LEAST_SQUARES     ? HL_QP_LEAST_SQUARES
                 : st == QP_ITERATION_LIMIT ? HL_QP_ITERATION_LIMIT
                                            : HL_QP_OPTIMAL;
  res->iterations = iters;
  res->residual = resid;
  res->cost = cost_p(w, x, n, p);
  res->n_active = nact;
  return st == QP_LEAST_SQUARES || st == QP_ITERATION_LIMIT ? HL_OK : st;
}

hl_status hl_qp_solve(hl_qp *qp, const double *A, const double *b, const double *w,
                      const double *lb, const double *ub, double *x, int *active,
                      hl_qp_result *res, hl_error *err) {
  if (!qp) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_qp_solve: no workspace");
  return pass_error(qp, qp_solve(qp, "hl_qp_solve", A, NULL, NULL, NULL, b, w, lb, ub, x, active, res), err);
}

hl_status hl_qp_solve_cols(hl_qp *qp, const int *cnt, const int *rows, const double *vals,
                           const double *b, const double *w, const double *lb, const double *ub,
                           double *x, int *active, hl_qp_result *res, hl_error *err) {
  if (!qp) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_qp_solve_cols: no workspace");
  hl_status st = qp_solve(qp, "hl_qp_solve_cols", NULL, cnt, rows, vals, b, w, lb, ub, x, active,
                          res);
  qp->cnt = qp->own_cnt; /* the caller's arrays are only borrowed for the call */
  qp->ridx = qp->own_ridx;
  qp->cval = qp->own_cval;
  return pass_error(qp, st, err);
}

/* The trusted entry for lib/solve/so.c (declared in qp_internal.h). The caller builds its columns
 * itself (counts within 0..m, rows strictly ascending within 0..m−1) and passes the same w, lb, ub
 * values on every call, so on a warm p = 2 call the per-call checks are skipped: the weights and
 * bounds are the ones the last checked call accepted (wb_ok), and the columns' structure is the
 * caller's promise. Their values are not trusted: a NaN or infinity in A reaches x (a free column's
 * z) or A x − b (a bound column's term, even at a zero bound), so a fast-path answer with every x
 * and every residual finite and max |A x − b| ≤ tol had finite columns. Any other outcome (cold
 * call, no prediction, a non-finite b, the fast path not certifying) runs hl_qp_solve_cols from
 * the same state, which checks everything and names a bad value: the answer is the same bits
 * either way. res->cost is not formed (NAN). same_rows = 1: every column has the same count and
 * rows as at the last call, so J's envelope (a function of them) is kept. */
hl_status hl__qp_solve_cols_trusted(hl_qp *qp, const int *cnt, const int *rows,
                                    const double *vals, const double *b, const double *w,
                                    const double *lb, const double *ub, double *x, int *active,
                                    hl_qp_result *res, int same_rows, hl_error *err) {
  if (!qp) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_qp_solve_cols: no workspace");
  const int m = qp->m, n = qp->n;
  if (qp->wb_ok && qp->set.p == 2.0 && m > 0 && qp->set.warm_start && qp->have_warm &&
      qp->nhist >= 2 && cnt && rows && vals && b && x && res) {
    int bad = 0;
    double bmax = 0.0;
    for (int j = 0; j < m; j++) {
      double a = fabs(b[j]);
      bad |= !(a <= DBL_MAX);
      bmax = a > bmax ? a : bmax;
    }
    if (!bad) {
      qp->cnt = cnt;
      qp->ridx = rows;
      qp->cval = vals;
      if (!(same_rows && qp->env_ok)) { /* J's envelope, from the caller's columns */
        envelope(qp);
        qp->env_ok = 1;
      }
      if (!qp->blk_ok) env_blocks(qp);
      double tol_abs = qp->set.tol * (bmax > 1.0 ? bmax : 1.0);
      predict_set(qp, lb, ub);
      int iters = 0;
      int ok = fast_p2(qp, b, w, lb, ub, x, 8 + m, &iters) && qp->fast_resid <= tol_abs;
      if (ok) {
        int nonfin = 0, nact = 0;
        for (int j = 0; j < m; j++) nonfin |= !(fabs(qp->rhs[j]) <= DBL_MAX);
        for (int i = 0; i < n; i++) {
          int a = x[i] <= lb[i] ? -1 : x[i] >= ub[i] ? 1 : 0;
          nact += a != 0;
          nonfin |= !(fabs(x[i]) <= DBL_MAX);
          if (active) active[i] = a;
        }
        if (!nonfin) {
          push_history(qp);
          qp->have_warm = 1;
          hl_error_clear(&qp->err);
          res->outcome = HL_QP_OPTIMAL;
          res->iterations = iters;
          res->residual = qp->fast_resid;
          res->cost = NAN;
          res->n_active = nact;
          qp->cnt = qp->own_cnt;
          qp->ridx = qp->own_ridx;
          qp->cval = qp->own_cval;
          return HL_OK;
        }
      }
      qp->cnt = qp->own_cnt;
      qp->ridx = qp->own_ridx;
      qp->cval = qp->own_cval;
    }
  }
  return hl_qp_solve_cols(qp, cnt, rows, vals, b, w, lb, ub, x, active, res, err);
}
