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

int hl__ind_mfactor(hl_induced *w) {
  int n = w->nf;
  double *H = w->L;
  if (!w->tree) return hl__ind_chol(H, n);
  /* LTDL (Featherstone, RBDA §6.5): from the leaves up, eliminate k into its ancestors */
  for (int k = n - 1; k >= 0; k--) {
    double *Hk = H + (size_t)k * n, dk = Hk[k];
    if (!(dk > 0.0) || !isfinite(dk)) return 0;
    for (int i = w->par[k]; i >= 0; i = w->par[i]) {
      double a = Hk[i] / dk, *Hi = H + (size_t)i * n;
      for (int j = i; j >= 0; j = w->par[j]) Hi[j] -= a * Hk[j];
      Hk[i] = a;
    }
  }
  return 1;
}

void hl__ind_msolve(const hl_induced *w, double *x) {
  int n = w->nf;
  const double *L = w->L;
  if (!w->tree) {
    hl__ind_chol_solve(L, n, x);
    return;
  }
  for (int i = n - 1; i >= 0; i--) { /* Lᵀ y = x */
    const double *Li = L + (size_t)i * n;
    double xi = x[i];
    if (xi == 0) continue;
    for (int r = w->run_adr[i]; r < w->run_adr[i] + w->run_num[i]; r++)
      for (int j = w->run_lo[r]; j < w->run_lo[r] + w->run_len[r]; j++) x[j] -= Li[j] * xi;
  }
  for (int i = 0; i < n; i++) { /* D, then L x = y */
    const double *Li = L + (size_t)i * n;
    double v = 0;
    for (int r = w->run_adr[i]; r < w->run_adr[i] + w->run_num[i]; r++)
      for (int j = w->run_lo[r]; j < w->run_lo[r] + w->run_len[r]; j++) v += Li[j] * x[j];
    x[i] = x[i] / Li[i] - v;
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

/* F = (m v + ω × h, I ω + h × v): a rigid body's (or composite's) momentum per twist (ω, v at the
 * ground origin), I = (m, h, Ixx, Iyy, Izz, Ixy, Ixz, Iyz) about the ground origin. */
static void inertia_times(const double *I, const double *s, double *F) {
  const double *w = s, *v = s + 3, *h = I + 1, *J = I + 4;
  F[0] = I[0] * v[0] + (w[1] * h[2] - w[2] * h[1]);
  F[1] = I[0] * v[1] + (w[2] * h[0] - w[0] * h[2]);
  F[2] = I[0] * v[2] + (w[0] * h[1] - w[1] * h[0]);
  F[3] = J[0] * w[0] + J[3] * w[1] + J[4] * w[2] + (h[1] * v[2] - h[2] * v[1]);
  F[4] = J[3] * w[0] + J[1] * w[1] + J[5] * w[2] + (h[2] * v[0] - h[0] * v[2]);
  F[5] = J[4] * w[0] + J[5] * w[1] + J[2] * w[2] + (h[0] * v[1] - h[1] * v[0]);
}

void hl__ind_crba(hl_induced *w, const hl_model *m, const hl_data *d) {
  int nq = w->nq, nf = w->nf;
  memset(w->Ic, 0, sizeof(double) * 10);
  for (int b = 1; b < m->nbody; b++) { /* each body about the ground origin */
    const double *R = d->body_R + 9 * b, *p = d->body_p + 3 * b, *cl = m->body_com + 3 * b;
    const double *Ib = m->body_inertia + 9 * b;
    double *I = w->Ic + 10 * b, mass = m->body_mass[b], c[3], T[9], G[9];
    for (int i = 0; i < 3; i++) c[i] = p[i] + R[3 * i] * cl[0] + R[3 * i + 1] * cl[1] + R[3 * i + 2] * cl[2];
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) T[3 * i + j] = R[3 * i] * Ib[j] + R[3 * i + 1] * Ib[3 + j] + R[3 * i + 2] * Ib[6 + j];
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) G[3 * i + j] = T[3 * i] * R[3 * j] + T[3 * i + 1] * R[3 * j + 1] + T[3 * i + 2] * R[3 * j + 2];
    double cc = c[0] * c[0] + c[1] * c[1] + c[2] * c[2];
    I[0] = mass;
    for (int i = 0; i < 3; i++) I[1 + i] = mass * c[i];
    for (int i = 0; i < 3; i++) I[4 + i] = G[4 * i] + mass * (cc - c[i] * c[i]);
    I[7] = G[1] - mass * c[0] * c[1];
    I[8] = G[2] - mass * c[0] * c[2];
    I[9] = G[5] - mass * c[1] * c[2];
  }
  for (int b = m->nbody - 1; b > 0; b--) { /* composites: children come after their parents */
    int P = m->body_parent[b];
    if (P > 0)
      for (int i = 0; i < 10; i++) w->Ic[10 * P + i] += w->Ic[10 * b + i];
  }
  for (int f = 0; f < nf; f++) {
    int b = w->cbody[f], c = w->free_idx[f];
    const double *J = d->body_J + (size_t)6 * nq * b, *p = d->body_p + 3 * b;
    double *s = w->sv + 6 * f;
    for (int i = 0; i < 3; i++) s[i] = J[i * nq + c];
    s[3] = J[3 * nq + c] - (s[1] * p[2] - s[2] * p[1]);
    s[4] = J[4 * nq + c] - (s[2] * p[0] - s[0] * p[2]);
    s[5] = J[5 * nq + c] - (s[0] * p[1] - s[1] * p[0]);
    inertia_times(w->Ic + 10 * b, s, w->Fc + 6 * f);
  }
  for (int f = 0; f < nf; f++) {
    const double *F = w->Fc + 6 * f;
    double *Mr = w->Mf + (size_t)f * nf;
    for (int g = f; g >= 0; g = g == f ? w->par[f] : w->par[g]) {
      const double *s = w->sv + 6 * g;
      Mr[g] = s[0] * F[3] + s[1] * F[4] + s[2] * F[5] + s[3] * F[0] + s[4] * F[1] + s[5] * F[2];
    }
  }
}

/* P's rows for joint j: the reaction (expressed as the site reports it) per unit acceleration of
 * each free coordinate — the joint-reaction pass (hl__jr_body_load) run on each Jacobian column. */
static void reaction_rows_dense(hl_induced *w, const hl_model *m, const hl_data *d, int j) {
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
static void com_rows_dense(hl_induced *w, const hl_model *m, const hl_data *d) {
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

/* The same from the composites (tree = 1): a coordinate whose joint moves body b accelerates
 * b's subtree; the part inside the joint's subtree S is b's composite when b ∈ S, S's when b is
 * an ancestor of S's root, nothing otherwise. */
static void reaction_rows(hl_induced *w, const hl_model *m, const hl_data *d, int j) {
  if (!w->tree) {
    reaction_rows_dense(w, m, d, j);
    return;
  }
  const hl__jr_site *s = &w->site[j];
  int nf = w->nf, root = m->jnt_child[s->joint];
  double *Pj = w->P + (size_t)6 * j * nf;
  for (int f = 0; f < nf; f++) {
    int b = w->cbody[f];
    double F[6] = {0, 0, 0, 0, 0, 0}, M[3];
    if (s->in_sub[b]) memcpy(F, w->Fc + 6 * f, sizeof F);
    else if (hl_model_in_subtree(m, root, b)) inertia_times(w->Ic + 10 * root, w->sv + 6 * f, F);
    M[0] = F[3] - (s->o[1] * F[2] - s->o[2] * F[1]);
    M[1] = F[4] - (s->o[2] * F[0] - s->o[0] * F[2]);
    M[2] = F[5] - (s->o[0] * F[1] - s->o[1] * F[0]);
    hl__jr_express(d, s, F, M, F, M);
    for (int r = 0; r < 3; r++) {
      Pj[r * nf + f] = F[r];
      Pj[(3 + r) * nf + f] = M[r];
    }
  }
}

static void com_rows(hl_induced *w, const hl_model *m, const hl_data *d) {
  if (!w->tree) {
    com_rows_dense(w, m, d);
    return;
  }
  int nf = w->nf;
  double *Pc = w->P + (size_t)(w->no - 3) * nf;
  for (int f = 0; f < nf; f++)
    for (int r = 0; r < 3; r++) Pc[r * nf + f] = w->Fc[6 * f + r] / w->mass;
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
    hl__ind_msolve(w, z);
    const double *Di = w->D + (size_t)i * HL__IND_MAXROW;
    for (int f = 0; f < nf; f++) {
      const double *g = w->Gt + (size_t)f * HL__IND_MAXROW;
      double v = z[f];
      for (int r = 0; r < mr; r++) v -= Di[r] * g[r];
      w->Ht[(size_t)f * no + i] = v;
    }
  }
}
