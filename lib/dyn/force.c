/* SPDX-License-Identifier: Apache-2.0 */
/* Force elements other than the muscles' own curves: see include/hipload/force.h. */
#include "hipload/force.h"

#include <string.h>

#include "force_internal.h"
#include "kin_internal.h"

/* Simbody's smooth step (10x³ − 15x⁴ + 6x⁵) from y0 at x0 to y1 at x1. */
static double smooth_step(double y0, double y1, double x0, double x1, double x) {
  if (x1 == x0) return x < x0 ? y0 : y1;
  double u = (x - x0) / (x1 - x0);
  if (u <= 0) return y0;
  if (u >= 1) return y1;
  double s = u * u * u * (10 - 15 * u + 6 * u * u);
  return y0 + (y1 - y0) * s;
}

double hl_force_limit(const hl_model *m, int i, const double *q, const double *qd, double *pe) {
  int c = m->lim_coord[i];
  if (pe) *pe = 0;
  if (c < 0) return 0;
  const double *p = m->lim_param + 7 * i;
  double kup = p[0], qup = p[1], klow = p[2], qlow = p[3], damp = p[4], trans = p[5];
  /* Stiffness ramps smoothly over `trans` beyond each limit (OpenSim CoordinateLimitForce). */
  double Ku = smooth_step(0.0, kup, qup, qup + trans, q[c]);
  double Kl = smooth_step(klow, 0.0, qlow - trans, qlow, q[c]);
  double f = -Ku * (q[c] - qup) + Kl * (qlow - q[c]);
  double ramp = (kup != 0 ? Ku / kup : 0) + (klow != 0 ? Kl / klow : 0);
  f += -damp * ramp * (qd ? qd[c] : 0);
  if (pe) {
    /* the spring's potential energy: the integral of the smooth-step stiffness times the
     * penetration, in closed form (as OpenSim's computePotentialEnergy reports it) */
    double K = 0, delta = 0;
    if (q[c] > qup) K = kup, delta = q[c] - qup;
    else if (q[c] < qlow) K = klow, delta = qlow - q[c];
    if (K != 0) {
      if (delta >= trans) *pe = K * ((-2.0 / 14.0) * trans * trans + 0.5 * delta * delta);
      else {
        double x = delta / trans;
        *pe = K * x * x * x * (2.0 - 2.5 * x + (6.0 / 7.0) * x * x) * delta * delta;
      }
    }
  }
  return f;
}

void hl_force_passive(const hl_model *m, const double *q, const double *qd, double *tau) {
  for (int i = 0; i < m->nlimit; i++) {
    int c = m->lim_coord[i];
    if (c >= 0) tau[c] += hl_force_limit(m, i, q, qd, NULL);
  }
}

void hl_force_actuator_line(const hl_model *m, const hl_data *d, int a, double point[3],
                            double dir[3]) {
  int b = m->act_body[a];
  const double *pt = m->act_point + 3 * a, *dv = m->act_direction + 3 * a;
  const double *R = b > 0 ? d->body_R + 9 * b : NULL;
  if (m->act_type[a] == HL_ACT_POINT && b > 0 && !m->act_point_global[a]) hl_kin_point(m, d, b, pt, point);
  else memcpy(point, pt, 3 * sizeof(double));
  if (m->act_dir_global[a] || !R) memcpy(dir, dv, 3 * sizeof(double));
  else
    for (int i = 0; i < 3; i++) dir[i] = R[3 * i] * dv[0] + R[3 * i + 1] * dv[1] + R[3 * i + 2] * dv[2];
}

/* Generalized force per unit force (N) or torque (N·m) of non-muscle actuator a at the
 * coordinates list[0..nl) (ascending), into col[0..nl); list NULL: every coordinate (nl = nq).
 * J3 (3·nq) is scratch. d may be NULL for a coordinate actuator. */
void hl__force_actuator_column(const hl_model *m, const hl_data *d, int a, const int *list, int nl,
                               double *J3, double *col) {
  int nq = m->ncoord;
  if (!list) nl = nq;
#define COORD(s) (list ? list[s] : (s))
  for (int s = 0; s < nl; s++) col[s] = 0;
  if (m->act_type[a] == HL_ACT_COORDINATE) {
    for (int s = 0; s < nl; s++)
      if (COORD(s) == m->act_coord[a]) col[s] = 1;
  } else if (m->act_type[a] == HL_ACT_POINT) {
    int b = m->act_body[a];
    if (b < 0 || nl == 0) return;
    double pg[3], dir[3], local[3];
    hl_force_actuator_line(m, d, a, pg, dir);
    const double *R = d->body_R + 9 * b;
    double r[3] = {pg[0] - d->body_p[3 * b], pg[1] - d->body_p[3 * b + 1], pg[2] - d->body_p[3 * b + 2]};
    for (int i = 0; i < 3; i++) local[i] = R[i] * r[0] + R[3 + i] * r[1] + R[6 + i] * r[2];
    hl_kin_point_jacobian(m, d, b, local, J3);
    for (int s = 0; s < nl; s++) {
      int i = COORD(s);
      col[s] = J3[i] * dir[0] + J3[nq + i] * dir[1] + J3[2 * nq + i] * dir[2];
    }
  } else if (m->act_type[a] == HL_ACT_TORQUE) {
    int ba = m->act_body[a], bb = m->act_body_b[a];
    double pg[3], axis[3];
    hl_force_actuator_line(m, d, a, pg, axis);
    /* torque on A, the opposite on B: generalized force = (J_ωA − J_ωB)ᵀ axis */
    const double *JA = ba > 0 ? d->body_J + (size_t)6 * nq * ba : NULL;
    const double *JB = bb > 0 ? d->body_J + (size_t)6 * nq * bb : NULL;
    for (int s = 0; s < nl; s++) {
      int i = COORD(s);
      double g = 0;
      if (JA) g += JA[i] * axis[0] + JA[nq + i] * axis[1] + JA[2 * nq + i] * axis[2];
      if (JB) g -= JB[i] * axis[0] + JB[nq + i] * axis[1] + JB[2 * nq + i] * axis[2];
      col[s] = g;
    }
  }
#undef COORD
}

size_t hl_force_scratch_size(const hl_model *m) { return m ? 4 * (size_t)m->ncoord + 1 : 0; }

void hl_force_generalized(const hl_model *m, double *scratch, const hl_data *d,
                          const double *mus_force, const double *act_force, double *tau) {
  int nq = m->ncoord;
  double *J3 = scratch, *col = scratch + 3 * (size_t)nq;
  const hl__kin_data *kd = hl__kin_c(d);
  /* a muscle's moment arms are zero outside its own coordinate list (kin_internal.h) */
  for (int k = 0; k < m->nmuscle && mus_force; k++) {
    const int *cols = kd->mus_cols + kd->mus_cols_adr[k];
    const double *ma = d->mus_ma + (size_t)k * nq;
    for (int s = 0; s < kd->mus_cols_num[k]; s++) tau[cols[s]] += ma[cols[s]] * mus_force[k];
  }
  for (int a = 0; a < m->nactuator && act_force; a++) {
    hl__force_actuator_column(m, d, a, NULL, 0, J3, col);
    for (int i = 0; i < nq; i++) tau[i] += col[i] * act_force[a];
  }
}
