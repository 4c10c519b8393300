/* SPDX-License-Identifier: Apache-2.0 */
/* CoordinateCouplerConstraints and the per-frame assembly: see include/hipload/coupler.h.
 *
 * OpenSim's Model::assemble (with a non-empty ConstraintSet) runs an AssemblySolver that tracks
 * every non-dependent coordinate's value and restricts clamped coordinates to their ranges; with
 * couplers alone the constraint is solved exactly by the dependent coordinate's value. Its
 * answer at a bound is the bound to the assembler's tolerance (measured: −29.99915° for a hip
 * commanded at its −30° bound), here the bound itself. */
#include "hipload/coupler.h"

#include <string.h>

double hl_coupler_slope(const hl_model *m, int k, const double *q) {
  double y, dy, ddy;
  hl_model_function_eval(m, m->cpl_func[k], q[m->cpl_ind[k]], &y, &dy, &ddy);
  return dy;
}

int hl_model_assemble(const hl_model *m, double *q, double *qd, double *qdd) {
  if (!m || !q) return 0;
  int nclamp = 0;
  if (m->assemble_clamps)
    for (int i = 0; i < m->ncoord; i++) {
      if (!m->coord_clamped[i] || m->coord_locked[i]) continue;
      if (m->coord_coupler && m->coord_coupler[i] >= 0) continue; /* set below */
      double lo = m->coord_range[2 * i], hi = m->coord_range[2 * i + 1];
      if (q[i] < lo) q[i] = lo, nclamp++;
      else if (q[i] > hi) q[i] = hi, nclamp++;
    }
  for (int k = 0; k < m->ncoupler; k++) {
    int dep = m->cpl_dep[k], ind = m->cpl_ind[k];
    double y, dy, ddy;
    hl_model_function_eval(m, m->cpl_func[k], q[ind], &y, &dy, &ddy);
    q[dep] = y;
    if (qd) qd[dep] = dy * qd[ind];
    if (qd && qdd) qdd[dep] = dy * qdd[ind] + ddy * qd[ind] * qd[ind];
  }
  return nclamp;
}

void hl_coupler_accel(const hl_model *m, const double *q, const double *qd, double *qdd) {
  for (int k = 0; k < m->ncoupler; k++) {
    int ind = m->cpl_ind[k];
    double y, dy, ddy;
    hl_model_function_eval(m, m->cpl_func[k], q[ind], &y, &dy, &ddy);
    qdd[m->cpl_dep[k]] = dy * qdd[ind] + ddy * qd[ind] * qd[ind];
  }
}

void hl_coupler_fold(const hl_model *m, const double *q, double *v) {
  for (int k = 0; k < m->ncoupler; k++) {
    int dep = m->cpl_dep[k];
    v[m->cpl_ind[k]] += hl_coupler_slope(m, k, q) * v[dep];
    v[dep] = 0.0;
  }
}

void hl_coupler_fold_matrix(const hl_model *m, const double *q, double *M) {
  const int nq = m->ncoord;
  /* rows first (Cᵀ M), then columns ((Cᵀ M) C): no dependent coordinate is independent in
   * another coupler (the loader refuses chains), so the order among couplers does not matter */
  for (int k = 0; k < m->ncoupler; k++) {
    double s = hl_coupler_slope(m, k, q);
    double *ri = M + (size_t)m->cpl_ind[k] * nq, *rd = M + (size_t)m->cpl_dep[k] * nq;
    for (int c = 0; c < nq; c++) ri[c] += s * rd[c];
  }
  for (int k = 0; k < m->ncoupler; k++) {
    double s = hl_coupler_slope(m, k, q);
    int ci = m->cpl_ind[k], cd = m->cpl_dep[k];
    for (int r = 0; r < nq; r++) M[(size_t)r * nq + ci] += s * M[(size_t)r * nq + cd];
  }
  for (int k = 0; k < m->ncoupler; k++) {
    int cd = m->cpl_dep[k];
    for (int c = 0; c < nq; c++) M[(size_t)cd * nq + c] = M[(size_t)c * nq + cd] = 0.0;
  }
}
