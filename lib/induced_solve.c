/* SPDX-License-Identifier: Apache-2.0 */
/* Induced contributions: dense kernels (Cholesky, the contact Schur complement and its
 * minimum-norm inverse) and the influence matrix. See include/hipload/induced.h. */
#include <math.h>
#include <string.h>

#include "induced_internal.h"
#include "kin_internal.h"

int hl__ind_chol(double *A, int n) {
  for (int j = 0; j < n; j++) {
    double *rj = A + (size_t)j * n;
    double dj = rj[j];
    for (int k = 0; k < j; k++) dj -= rj[k] * rj[k];
    if (!(dj > 0.0) || !isfinite(dj)) return 0;
    dj = sqrt(dj);
    rj[j] = dj;
    double inv = 1.0 / dj;
    for (int i = j + 1; i < n; i++) {
      double *ri = A + (size_t)i * n, v = ri[j];
      for (int k = 0; k < j; k++) v -= ri[k] * rj[k];
      ri[j] = v * inv;
    }
  }
  return 1;
}

void hl__ind_chol_solve(const double *L, int n, double *x) {
  for (int i = 0; i < n; i++) {
    const double *ri = L + (size_t)i * n;
    double v = x[i];
    for (int k = 0; k < i; k++) v -= ri[k] * x[k];
    x[i] = v / ri[i];
  }
  for (int i = n - 1; i >= 0; i--) {
    double v = x[i];
    for (int k = i + 1; k < n; k++) v -= L[(size_t)k * n + i] * x[k];
    x[i] = v / L[(size_t)i * n + i];
  }
}

/* Eigen-decomposition of the symmetric m × m A (destroyed) by cyclic Jacobi rotations: V (m × m,
 * columns are eigenvectors), e the eigenvalues. */
static void jacobi_eig(double *A, int m, double *V, double *e) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) V[i * m + j] = i == j;
  for (int sweep = 0; sweep < 60; sweep++) {
    double off = 0, tot = 0;
    for (int i = 0; i < m; i++)
      for (int j = 0; j < m; j++) {
        tot += A[i * m + j] * A[i * m + j];
        if (i != j) off += A[i * m + j] * A[i * m + j];
      }
    if (off <= 1e-30 * tot) break;
    for (int p = 0; p < m; p++)
      for (int q = p + 1; q < m; q++) {
        double apq = A[p * m + q];
        if (apq == 0.0) continue;
        double th = (A[q * m + q] - A[p * m + p]) / (2 * apq);
        double t = (th >= 0 ? 1.0 : -1.0) / (fabs(th) + sqrt(th * th + 1));
        double c = 1 / sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < m; k++) { /* columns p, q */
          double akp = A[k * m + p], akq = A[k * m + q];
          A[k * m + p] = c * akp - s * akq;
          A[k * m + q] = s * akp + c * akq;
        }
        for (int k = 0; k < m; k++) { /* rows p, q */
          double apk = A[p * m + k], aqk = A[q * m + k];
          A[p * m + k] = c * apk - s * aqk;
          A[q * m + k] = s * apk + c * aqk;
        }
        for (int k = 0; k < m; k++) {
          double vkp = V[k * m + p], vkq = V[k * m + q];
          V[k * m + p] = c * vkp - s * vkq;
          V[k * m + q] = s * vkp + c * vkq;
        }
      }
  }
  for (int i = 0; i < m; i++) e[i] = A[i * m + i];
}

#define PIVOT_TOL 1e-10

void hl__ind_schur(hl_induced *w) {
  int m = w->nrow;
  double sc[HL__IND_MAXROW], A[HL__IND_MAXROW * HL__IND_MAXROW];
  w->rank = m;
  w->rank_deficient = 0;
  w->min_pivot = 1;
  if (m == 0) return;
  /* scale to a unit diagonal: rows in N and N·m, m/s² and rad/s² become comparable */
  for (int r = 0; r < m; r++) {
    double s = w->S[r * m + r];
    sc[r] = s > 0 && isfinite(s) ? 1 / sqrt(s) : 0;
  }
  for (int r = 0; r < m; r++)
    for (int c = 0; c < m; c++) A[r * m + c] = w->S[r * m + c] * sc[r] * sc[c];
  int ok = 1;
  for (int r = 0; r < m; r++) ok &= sc[r] > 0;
  if (ok && hl__ind_chol(A, m)) {
    double piv = 1;
    for (int r = 0; r < m; r++) piv = fmin(piv, A[r * m + r] * A[r * m + r]);
    w->min_pivot = piv;
    if (piv >= PIVOT_TOL) { /* Λ = D (L Lᵀ)⁻¹ D, column by column */
      for (int c = 0; c < m; c++) {
        double x[HL__IND_MAXROW] = {0};
        x[c] = 1;
        hl__ind_chol_solve(A, m, x);
        for (int r = 0; r < m; r++) w->Lam[r * m + c] = sc[r] * x[r] * sc[c];
      }
      return;
    }
  }
  /* dependent rows: minimum-norm multipliers from the pseudo-inverse of the scaled matrix */
  double V[HL__IND_MAXROW * HL__IND_MAXROW], e[HL__IND_MAXROW], emax = 0;
  for (int r = 0; r < m; r++)
    for (int c = 0; c < m; c++) A[r * m + c] = w->S[r * m + c] * sc[r] * sc[c];
  jacobi_eig(A, m, V, e);
  for (int r = 0; r < m; r++) emax = fmax(emax, e[r]);
  int rank = 0;
  double emin = 1;
  for (int r = 0; r < m; r++) {
    if (e[r] > PIVOT_TOL * emax) rank++;
    emin = fmin(emin, e[r] > 0 ? e[r] / (emax > 0 ? emax : 1) : 0);
  }
  for (int r = 0; r < m; r++)
    for (int c = 0; c < m; c++) {
      double v = 0;
      for (int k = 0; k < m; k++)
        if (e[k] > PIVOT_TOL * emax) v += V[r * m + k] * V[c * m + k] / e[k];
      w->Lam[r * m + c] = sc[r] * v * sc[c];
    }
  w->rank = rank;
  w->rank_deficient = rank < m;
  w->min_pivot = emin;
}

/* P's rows for joint j: the reaction (expressed as the site reports it) per unit acceleration of
 * each free coordinate — the joint-reaction pass (hl__jr_body_load) run on each Jacobian column. */
static void reaction_rows(hl_induced *w, const hl_model *m, const hl_data *d, int j) {
  const hl__kin_data *kd = hl__kin_c(d);
  const hl__jr_site *s = &w->site[j];
  int nq = w->nq, nf = w->nf;
  double *Pj = w->P + (size_t)6 * j * nf;
  memset(Pj, 0, sizeof(double) * 6 * (size_t)nf);
  for (int b = 1; b < m->nbody; b++) {
    if (!s->in_sub[b]) continue;
    const int *cols = kd->body_cols + kd->body_cols_adr[b];
    const double *J = d->body_J + (size_t)6 * nq * b;
    for (int i = 0; i < kd->body_cols_num[b]; i++) {
      int c = cols[i], f = w->free_of[c];
      if (f < 0) continue;
      double al[3] = {J[c], J[nq + c], J[2 * nq + c]};
      double ao[3] = {J[3 * nq + c], J[4 * nq + c], J[5 * nq + c]}, F[3], M[3];
      hl__jr_body_load(m, d, b, s->o, al, ao, NULL, 0, F, M);
      for (int r = 0; r < 3; r++) {
        Pj[r * nf + f] += F[r];
        Pj[(3 + r) * nf + f] += M[r];
      }
    }
  }
  for (int f = 0; f < nf; f++) {
    double F[3] = {Pj[f], Pj[nf + f], Pj[2 * nf + f]};
    double M[3] = {Pj[3 * nf + f], Pj[4 * nf + f], Pj[5 * nf + f]};
    hl__jr_express(d, s, F, M, F, M);
    for (int r = 0; r < 3; r++) {
      Pj[r * nf + f] = F[r];
      Pj[(3 + r) * nf + f] = M[r];
    }
  }
}

/* The last three rows of P: the whole-body COM acceleration per unit acceleration. */
static void com_rows(hl_induced *w, const hl_model *m, const hl_data *d) {
  const hl__kin_data *kd = hl__kin_c(d);
  int nq = w->nq, nf = w->nf;
  double *Pc = w->P + (size_t)(w->no - 3) * nf;
  memset(Pc, 0, sizeof(double) * 3 * (size_t)nf);
  for (int b = 1; b < m->nbody; b++) {
    const double *R = d->body_R + 9 * b, *c = m->body_com + 3 * b;
    const double *J = d->body_J + (size_t)6 * nq * b;
    double r[3], k = m->body_mass[b] / w->mass;
    for (int i = 0; i < 3; i++) r[i] = R[3 * i] * c[0] + R[3 * i + 1] * c[1] + R[3 * i + 2] * c[2];
    const int *cols = kd->body_cols + kd->body_cols_adr[b];
    for (int i = 0; i < kd->body_cols_num[b]; i++) {
      int cc = cols[i], f = w->free_of[cc];
      if (f < 0) continue;
      double w0 = J[cc], w1 = J[nq + cc], w2 = J[2 * nq + cc];
      Pc[f] += k * (J[3 * nq + cc] + (w1 * r[2] - w2 * r[1]));
      Pc[nf + f] += k * (J[4 * nq + cc] + (w2 * r[0] - w0 * r[2]));
      Pc[2 * nf + f] += k * (J[5 * nq + cc] + (w0 * r[1] - w1 * r[0]));
    }
  }
}

/* Q (no × nrow, into w->D): the reaction per unit multiplier through the contact load on the
 * subtree (minus the load, as the pass subtracts external loads), expressed; zero for the COM. */
static void contact_columns(hl_induced *w, const hl_data *d) {
  int no = w->no, mr = w->nrow;
  memset(w->D, 0, sizeof(double) * (size_t)no * HL__IND_MAXROW);
  for (int j = 0; j < w->nj; j++) {
    const hl__jr_site *s = &w->site[j];
    for (int r = 0; r < mr; r++) {
      const hl__ind_row *row = &w->row[r];
      if (!s->in_sub[w->foot_body[row->foot]]) continue;
      double F[3] = {0, 0, 0}, M[3], t[3];
      const double *p = w->foot_p + 3 * row->foot;
      if (row->trans) {
        for (int i = 0; i < 3; i++) {
          F[i] = -row->dir[i];
          t[i] = p[i] - s->o[i];
        }
        M[0] = t[1] * F[2] - t[2] * F[1];
        M[1] = t[2] * F[0] - t[0] * F[2];
        M[2] = t[0] * F[1] - t[1] * F[0];
      } else {
        for (int i = 0; i < 3; i++) M[i] = -row->dir[i];
      }
      hl__jr_express(d, s, F, M, F, M);
      for (int i = 0; i < 3; i++) {
        w->D[(size_t)(6 * j + i) * HL__IND_MAXROW + r] = F[i];
        w->D[(size_t)(6 * j + 3 + i) * HL__IND_MAXROW + r] = M[i];
      }
    }
  }
}

void hl__ind_influence(hl_induced *w, const hl_model *m, const hl_data *d) {
  int nf = w->nf, no = w->no, mr = w->nrow;
  for (int j = 0; j < w->nj; j++) reaction_rows(w, m, d, j);
  com_rows(w, m, d);
  contact_columns(w, d); /* D = Q */
  for (int i = 0; i < no; i++) { /* D += P W */
    const double *Pi = w->P + (size_t)i * nf;
    for (int r = 0; r < mr; r++) {
      const double *Wr = w->W + (size_t)r * nf;
      double v = 0;
      for (int f = 0; f < nf; f++) v += Pi[f] * Wr[f];
      w->D[(size_t)i * HL__IND_MAXROW + r] += v;
    }
  }
  double *z = w->x;
  for (int i = 0; i < no; i++) { /* row i of H = P_i M⁻¹ − D_i G, stored as column i of Ht */
    memcpy(z, w->P + (size_t)i * nf, sizeof(double) * (size_t)nf);
    hl__ind_chol_solve(w->L, nf, z);
    const double *Di = w->D + (size_t)i * HL__IND_MAXROW;
    for (int f = 0; f < nf; f++) {
      const double *g = w->Gt + (size_t)f * HL__IND_MAXROW;
      double v = z[f];
      for (int r = 0; r < mr; r++) v -= Di[r] * g[r];
      w->Ht[(size_t)f * no + i] = v;
    }
  }
}
