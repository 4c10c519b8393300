/* SPDX-License-Identifier: Apache-2.0 */
/* Induced contributions: the contact rows of the feet in contact, their velocity terms, the part
 * of the measured loads they carry, and OpenSim's total-mode switching. See
 * include/hipload/induced.h. */
#include <math.h>
#include <string.h>

#include "induced_internal.h"
#include "kin_internal.h"

static void cross3(const double a[3], const double b[3], double c[3]) {
  c[0] = a[1] * b[2] - a[2] * b[1];
  c[1] = a[2] * b[0] - a[0] * b[2];
  c[2] = a[0] * b[1] - a[1] * b[0];
}

static double dot3(const double a[3], const double b[3]) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static void add_row(hl_induced *w, int foot, int trans, const double dir[3]) {
  hl__ind_row *r = &w->row[w->nrow++];
  r->foot = foot;
  r->trans = trans;
  memcpy(r->dir, dir, sizeof r->dir);
}

/* Is foot f constrained, and why not. */
static int foot_state(const hl_induced *w, const hl_model *m, const hl_data *d,
                      const hl_induced_foot *ft) {
  int ok = 1;
  for (int i = 0; i < 3; i++)
    ok &= isfinite(ft->force[i]) && isfinite(ft->point[i]) && isfinite(ft->torque[i]);
  if (!ok) return HL_FOOT_BAD_INPUT;
  double fn = sqrt(dot3(ft->force, ft->force));
  if (!(fn > w->set.force_threshold)) return HL_FOOT_BELOW_THRESHOLD;
  const double *p = d->body_p + 3 * ft->body;
  double r[3] = {ft->point[0] - p[0], ft->point[1] - p[1], ft->point[2] - p[2]};
  (void)m;
  if (sqrt(dot3(r, r)) > w->set.cop_max_distance) return HL_FOOT_COP_FAR;
  return HL_FOOT_CONTACT;
}

/* The rows of one constrained foot under the settings' model (minus what opensim_unilateral
 * dropped). */
static void foot_rows(hl_induced *w, int f) {
  const double *base[3] = {w->t1, w->n, w->t2};
  int keep = w->foot_nodrop[f];
  if (w->set.contact == HL_CONTACT_ROLLING) {
    add_row(w, f, 1, w->n);
    if (keep & 1) {
      add_row(w, f, 1, w->t1);
      add_row(w, f, 1, w->t2);
      if (keep & 2) add_row(w, f, 0, w->n);
    }
    return;
  }
  for (int i = 0; i < 3; i++) add_row(w, f, 1, base[i]);
  if (w->set.contact == HL_CONTACT_WELD)
    for (int i = 0; i < 3; i++) add_row(w, f, 0, base[i]);
}

/* Row r of C (free coordinates) and its velocity term. Translation: the contact point's material
 * acceleration along dir (Simbody PointInPlane / NoSlip1D against ground); rotation: the foot's
 * angular acceleration along dir, plus for the rolling model's no-spin row ConstantAngle's
 * (ω·f)(ω·b) with b = t1 on the floor and f = t1 × n on the foot. */
static void row_jacobian(hl_induced *w, const hl_model *m, const hl_data *d, int r) {
  const hl__kin_data *kd = hl__kin_c(d);
  const hl__ind_row *row = &w->row[r];
  int b = w->foot_body[row->foot], nq = w->nq;
  const double *J = d->body_J + (size_t)6 * nq * b, *pb = d->body_p + 3 * b;
  const double *p = w->foot_p + 3 * row->foot, *u = row->dir;
  const double *om = d->body_w + 3 * b, *dw0 = kd->body_dw0 + 3 * b, *a0 = kd->body_a0 + 3 * b;
  double rr[3] = {p[0] - pb[0], p[1] - pb[1], p[2] - pb[2]};
  double *Cr = w->C + (size_t)r * w->nf;
  memset(Cr, 0, sizeof(double) * (size_t)w->nf);
  const int *cols = kd->body_cols + kd->body_cols_adr[b];
  for (int i = 0; i < kd->body_cols_num[b]; i++) {
    int c = cols[i], f = w->free_of[c];
    if (f < 0) continue;
    double wc[3] = {J[c], J[nq + c], J[2 * nq + c]};
    if (row->trans) {
      double v[3] = {J[3 * nq + c], J[4 * nq + c], J[5 * nq + c]}, x[3];
      cross3(wc, rr, x);
      Cr[f] = u[0] * (v[0] + x[0]) + u[1] * (v[1] + x[1]) + u[2] * (v[2] + x[2]);
    } else {
      Cr[f] = dot3(u, wc);
    }
  }
  if (row->trans) {
    double t1[3], t2[3], t3[3], acc[3];
    cross3(dw0, rr, t1);
    cross3(om, rr, t2);
    cross3(om, t2, t3);
    for (int i = 0; i < 3; i++) acc[i] = a0[i] + t1[i] + t3[i];
    w->bias[r] = dot3(u, acc);
  } else {
    w->bias[r] = dot3(u, dw0);
    if (w->set.contact == HL_CONTACT_ROLLING) w->bias[r] += dot3(om, w->t2) * dot3(om, w->t1);
  }
  (void)m;
}

void hl__ind_contact_rows(hl_induced *w, const hl_model *m, const hl_data *d,
                          const hl_induced_foot *foot, int nfoot) {
  w->nfoot = nfoot;
  w->nrow = 0;
  for (int f = 0; f < nfoot; f++) {
    w->foot_body[f] = foot[f].body;
    memcpy(w->foot_p + 3 * f, foot[f].point, 3 * sizeof(double));
    if (w->foot_flags[f] & HL_FOOT_RELEASED) continue; /* opensim_unilateral's second pass */
    int st = foot_state(w, m, d, &foot[f]);
    w->foot_flags[f] = (w->foot_flags[f] & (HL_FOOT_NO_SLIP_OFF | HL_FOOT_NO_SPIN_OFF)) | st;
    if (st == HL_FOOT_CONTACT) foot_rows(w, f);
  }
  for (int r = 0; r < w->nrow; r++) row_jacobian(w, m, d, r);
}

void hl__ind_factor_rows(hl_induced *w) {
  int nf = w->nf, mr = w->nrow;
  for (int r = 0; r < mr; r++) {
    double *Wr = w->W + (size_t)r * nf;
    memcpy(Wr, w->C + (size_t)r * nf, sizeof(double) * (size_t)nf);
    hl__ind_msolve(w, Wr);
  }
  for (int r = 0; r < mr; r++)
    for (int c = 0; c <= r; c++) {
      const double *Cr = w->C + (size_t)r * nf, *Wc = w->W + (size_t)c * nf;
      double v = 0;
      for (int f = 0; f < nf; f++) v += Cr[f] * Wc[f];
      w->S[r * mr + c] = w->S[c * mr + r] = v;
    }
  hl__ind_schur(w);
  for (int f = 0; f < nf; f++) {
    double *g = w->Gt + (size_t)f * HL__IND_MAXROW;
    for (int r = 0; r < mr; r++) {
      double v = 0;
      for (int c = 0; c < mr; c++) v += w->W[(size_t)c * nf + f] * w->Lam[c * mr + r];
      g[r] = v;
    }
  }
}

/* Force at the contact point and moment of foot f's rows weighted by lam (ground). */
static void foot_load(const hl_induced *w, int f, const double *lam, double F[3], double M[3]) {
  for (int i = 0; i < 3; i++) F[i] = M[i] = 0;
  for (int r = 0; r < w->nrow; r++) {
    if (w->row[r].foot != f) continue;
    double *v = w->row[r].trans ? F : M;
    for (int i = 0; i < 3; i++) v[i] += lam[r] * w->row[r].dir[i];
  }
}

void hl__ind_add_contact(const hl_induced *w, const hl_data *d, const double *lam, double *ext) {
  for (int f = 0; f < w->nfoot; f++) {
    if (!(w->foot_flags[f] & HL_FOOT_CONTACT)) continue;
    double F[3], M[3], rr[3], x[3];
    foot_load(w, f, lam, F, M);
    int b = w->foot_body[f];
    for (int i = 0; i < 3; i++) rr[i] = w->foot_p[3 * f + i] - d->body_p[3 * b + i];
    cross3(rr, F, x);
    for (int i = 0; i < 3; i++) {
      ext[6 * b + i] += F[i];
      ext[6 * b + 3 + i] += x[i] + M[i];
    }
  }
}

void hl__ind_representable(const hl_induced *w, const hl_data *d, const hl_induced_foot *foot,
                           double *ext_rep) {
  double lam[HL__IND_MAXROW];
  for (int r = 0; r < w->nrow; r++) {
    const hl_induced_foot *ft = &foot[w->row[r].foot];
    lam[r] = dot3(w->row[r].trans ? ft->force : ft->torque, w->row[r].dir);
  }
  memset(ext_rep, 0, sizeof(double) * 6 * (size_t)w->nb);
  hl__ind_add_contact(w, d, lam, ext_rep);
}

int hl__ind_unilateral(hl_induced *w, const double *lam) {
  int changed = 0;
  double mu = w->set.friction, rad = w->set.contact_radius;
  for (int f = 0; f < w->nfoot; f++) {
    if (!(w->foot_flags[f] & HL_FOOT_CONTACT)) continue;
    double N = 0, T[2] = {0, 0}, Tn = 0;
    for (int r = 0; r < w->nrow; r++) {
      const hl__ind_row *row = &w->row[r];
      if (row->foot != f) continue;
      double fn = dot3(row->dir, w->n), f1 = dot3(row->dir, w->t1), f2 = dot3(row->dir, w->t2);
      if (row->trans) {
        N += lam[r] * fn;
        T[0] += lam[r] * f1;
        T[1] += lam[r] * f2;
      } else {
        Tn += lam[r] * fn;
      }
    }
    int keep = 0;
    if (N > 0 && sqrt(T[0] * T[0] + T[1] * T[1]) <= mu * N) {
      keep = 1;
      /* OpenSim compares Simbody's multiplier, minus the moment applied to the foot, one-sided */
      if (-Tn <= rad * mu * N) keep |= 2;
    }
    if (!(N > 0)) {
      w->foot_flags[f] = (w->foot_flags[f] & ~HL_FOOT_CONTACT) | HL_FOOT_RELEASED;
      changed = 1;
      continue;
    }
    if (keep != w->foot_nodrop[f]) {
      w->foot_nodrop[f] = keep;
      if (!(keep & 1)) w->foot_flags[f] |= HL_FOOT_NO_SLIP_OFF;
      if (!(keep & 2)) w->foot_flags[f] |= HL_FOOT_NO_SPIN_OFF;
      changed = 1;
    }
  }
  return changed;
}

int hl_induced_feet(const hl_model *m, const hl_data *d, const hl_extloads *x,
                    const hl_invdyn_extmap *map, double tm, hl_induced_foot *feet, int max) {
  (void)m;
  if (!x || !map) return 0;
  for (int i = 0; i < map->nforce && i < max; i++) {
    double f[3] = {0, 0, 0}, pt[3] = {0, 0, 0}, tq[3] = {0, 0, 0};
    hl_extloads_eval(x, i, tm, f, pt, tq);
    int b = map->body[i], ff = map->force_frame[i], pf = map->point_frame[i];
    const double *Rf = d->body_R + 9 * ff, *Rp = d->body_R + 9 * pf;
    hl_induced_foot *o = &feet[i];
    o->body = b;
    for (int k = 0; k < 3; k++) {
      o->force[k] = Rf[3 * k] * f[0] + Rf[3 * k + 1] * f[1] + Rf[3 * k + 2] * f[2];
      o->torque[k] = x->force[i].torque_col[0] < 0
                         ? 0
                         : Rf[3 * k] * tq[0] + Rf[3 * k + 1] * tq[1] + Rf[3 * k + 2] * tq[2];
      o->point[k] = x->force[i].point_col[0] < 0
                        ? d->body_p[3 * b + k]
                        : d->body_p[3 * pf + k] + Rp[3 * k] * pt[0] + Rp[3 * k + 1] * pt[1] +
                              Rp[3 * k + 2] * pt[2];
    }
  }
  return map->nforce;
}
