/* SPDX-License-Identifier: Apache-2.0 */
/* Inverse dynamics per frame: generalized forces by virtual power (τ = Σ J_bᵀ W_b) and
 * intersegmental loads by Newton–Euler sums over subtrees. See include/hipload/invdyn.h. */
#include "hipload/invdyn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct hl_invdyn {
  int nbody;
  int *order;   /* bodies 1..nbody-1 sorted by decreasing depth (leaves first) */
  double *own;  /* 6*nbody: wrench each body needs, moment about the ground origin */
  double *sub;  /* 6*nbody: the same summed over the body's subtree */
};

static void cross3(const double a[3], const double b[3], double c[3]) {
  c[0] = a[1] * b[2] - a[2] * b[1];
  c[1] = a[2] * b[0] - a[0] * b[2];
  c[2] = a[0] * b[1] - a[1] * b[0];
}

static void matvec3(const double *R, const double v[3], double out[3]) {
  for (int i = 0; i < 3; i++) out[i] = R[3 * i] * v[0] + R[3 * i + 1] * v[1] + R[3 * i + 2] * v[2];
}

/* Ground position of a point given in body b's frame (p_b + R_GB·local). */
static void body_point(const hl_data *d, int b, const double local[3], double out[3]) {
  matvec3(d->body_R + 9 * b, local, out);
  for (int k = 0; k < 3; k++) out[k] += d->body_p[3 * b + k];
}

hl_status hl_invdyn_create(const hl_model *m, hl_invdyn **out, hl_error *err) {
  if (!m || m->nbody < 1 || !out) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_invdyn_create: NULL argument or no bodies");
  *out = NULL;
  hl_invdyn *w = calloc(1, sizeof *w);
  if (!w) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  int nb = m->nbody;
  w->nbody = nb;
  w->order = calloc((size_t)nb, sizeof *w->order);
  w->own = calloc((size_t)6 * nb, sizeof *w->own);
  w->sub = calloc((size_t)6 * nb, sizeof *w->sub);
  int *depth = calloc((size_t)nb, sizeof *depth);
  if (!w->order || !w->own || !w->sub || !depth) {
    free(depth);
    hl_invdyn_free(w);
    return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  }
  for (int b = 1; b < nb; b++) {
    int dep = 0;
    /* walk to ground; the hop limit guards against a malformed (cyclic) parent array */
    for (int p = b; p > 0 && dep <= nb; p = m->body_parent[p]) dep++;
    depth[b] = dep;
  }
  int k = 0;
  for (int dep = nb + 1; dep >= 1; dep--)
    for (int b = 1; b < nb; b++)
      if (depth[b] == dep) w->order[k++] = b;
  w->order[k] = -1;
  free(depth);
  *out = w;
  return HL_OK;
}

void hl_invdyn_free(hl_invdyn *w) {
  if (!w) return;
  free(w->order);
  free(w->own);
  free(w->sub);
  free(w);
}

hl_status hl_invdyn_frame(const hl_model *m, hl_invdyn *w, const hl_data *d, const double *ext,
                          double *tau, double *jnt_f, double *jnt_m, hl_error *err) {
  if (!m || !d || !w || !tau)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_invdyn_frame: NULL argument");
  if (w->nbody != m->nbody)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                        "hl_invdyn_frame: workspace made for %d bodies, model has %d", w->nbody,
                        m->nbody);
  const int nq = m->ncoord, nb = m->nbody;
  const double *g = m->gravity;
  for (int i = 0; i < nq; i++) tau[i] = 0.0;
  memset(w->own, 0, sizeof(double) * 6 * (size_t)nb);

  for (int b = 1; b < nb; b++) {
    const double *R = d->body_R + 9 * b, *p = d->body_p + 3 * b;
    const double *om = d->body_w + 3 * b, *al = d->body_dw + 3 * b, *ao = d->body_a + 3 * b;
    const double mass = m->body_mass[b];
    double r[3], c[3], tmp[3], tmp2[3], acom[3];
    matvec3(R, m->body_com + 3 * b, r); /* origin → COM, ground */
    for (int k = 0; k < 3; k++) c[k] = p[k] + r[k];
    /* a_com = a_o + α×r + ω×(ω×r) */
    cross3(al, r, tmp);
    cross3(om, r, tmp2);
    double wwr[3];
    cross3(om, tmp2, wwr);
    for (int k = 0; k < 3; k++) acom[k] = ao[k] + tmp[k] + wwr[k];
    /* inertia about the COM in ground: I_G = R I_B Rᵀ */
    const double *IB = m->body_inertia + 9 * b;
    double RI[9], IG[9];
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++)
        RI[3 * i + j] = R[3 * i] * IB[j] + R[3 * i + 1] * IB[3 + j] + R[3 * i + 2] * IB[6 + j];
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++)
        IG[3 * i + j] = RI[3 * i] * R[3 * j] + RI[3 * i + 1] * R[3 * j + 1] + RI[3 * i + 2] * R[3 * j + 2];
    /* Euler: I α + ω × I ω (about the COM) */
    double Ia[3], Iw[3], wIw[3], F[3], Mc[3];
    matvec3(IG, al, Ia);
    matvec3(IG, om, Iw);
    cross3(om, Iw, wIw);
    for (int k = 0; k < 3; k++) {
      F[k] = mass * (acom[k] - g[k]);
      Mc[k] = Ia[k] + wIw[k];
    }
    /* moment about the ground origin: Mc + c × F, minus the external wrench */
    double *o = w->own + 6 * b;
    cross3(c, F, tmp);
    for (int k = 0; k < 3; k++) {
      o[k] = F[k];
      o[3 + k] = Mc[k] + tmp[k];
    }
    if (ext) {
      const double *e = ext + 6 * b;
      cross3(p, e, tmp); /* shift the external moment from the body origin to the ground origin */
      for (int k = 0; k < 3; k++) {
        o[k] -= e[k];
        o[3 + k] -= e[3 + k] + tmp[k];
      }
    }
    /* τ += J_bᵀ (moment about the body origin, force) */
    double Mo[3];
    cross3(p, o, tmp);
    for (int k = 0; k < 3; k++) Mo[k] = o[3 + k] - tmp[k];
    const double *J = d->body_J + (size_t)6 * nq * b;
    for (int i = 0; i < nq; i++) {
      tau[i] += J[i] * Mo[0] + J[nq + i] * Mo[1] + J[2 * nq + i] * Mo[2] + J[3 * nq + i] * o[0] +
                J[4 * nq + i] * o[1] + J[5 * nq + i] * o[2];
    }
  }
  for (int i = 0; i < nq; i++)
    if (!isfinite(tau[i]))
      return hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0,
                          "inverse dynamics: generalized force of '%s' is not finite",
                          m->coord_name[i]);

  if (jnt_f || jnt_m) {
    memcpy(w->sub, w->own, sizeof(double) * 6 * (size_t)nb);
    for (int k = 0; w->order[k] >= 0; k++) {
      int b = w->order[k], par = m->body_parent[b];
      if (par > 0)
        for (int c = 0; c < 6; c++) w->sub[6 * par + c] += w->sub[6 * b + c];
    }
    for (int j = 0; j < m->njoint; j++) {
      int c = m->jnt_child[j];
      const double *S = w->sub + 6 * c;
      double P[3], tmp[3];
      body_point(d, c, m->jnt_child_p + 3 * j, P);
      cross3(P, S, tmp);
      for (int k = 0; k < 3; k++) {
        if (jnt_f) jnt_f[3 * j + k] = S[k];
        if (jnt_m) jnt_m[3 * j + k] = S[3 + k] - tmp[k];
      }
    }
  }
  return HL_OK;
}

int hl_invdyn_root_coords(const hl_model *m, int *idx, int max) {
  int n = 0;
  if (!m) return 0;
  for (int j = 0; j < m->njoint; j++) {
    if (m->jnt_parent[j] != 0) continue;
    for (int k = 0; k < m->jnt_coord_num[j]; k++) {
      if (idx && n < max) idx[n] = m->jnt_coord_adr[j] + k;
      n++;
    }
  }
  return n;
}

hl_status hl_invdyn_extmap_create(const hl_model *m, const hl_extloads *x, hl_invdyn_extmap **out,
                                  hl_error *err) {
  if (out) *out = NULL;
  if (!m || !x || !out)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_invdyn_extmap_create: NULL argument");
  hl_invdyn_extmap *map = calloc(1, sizeof *map);
  int n = x->nforce;
  if (!map) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  map->nforce = n;
  size_t nn = n > 0 ? (size_t)n : 1;
  map->body = calloc(nn, sizeof(int));
  map->force_frame = calloc(nn, sizeof(int));
  map->point_frame = calloc(nn, sizeof(int));
  if (!map->body || !map->force_frame || !map->point_frame) {
    hl_invdyn_extmap_free(map);
    return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  }
  for (int i = 0; i < n; i++) {
    const hl_extforce *f = &x->force[i];
    const char *names[3] = {f->applied_to_body, f->force_expressed_in_body, f->point_expressed_in_body};
    const char *what[3] = {"applied_to_body", "force_expressed_in_body", "point_expressed_in_body"};
    int *dst[3] = {&map->body[i], &map->force_frame[i], &map->point_frame[i]};
    for (int k = 0; k < 3; k++) {
      const char *nm = names[k];
      int b;
      if (k > 0 && (nm[0] == '\0' || strcmp(nm, "ground") == 0)) b = 0; /* OpenSim's default */
      else b = hl_model_body(m, nm);
      if (b < 0) {
        hl_invdyn_extmap_free(map);
        /* the XML names the body: report its line there, not the data file */
        return hl_error_set(err, HL_ERR_NOT_FOUND, x->source[0] ? x->source : x->datafile,
                            x->source[0] ? f->body_line[k] : 0,
                            "ExternalForce '%s': %s '%s' is not a body of model '%s'", f->name,
                            what[k], nm, m->name);
      }
      *dst[k] = b;
    }
  }
  *out = map;
  return HL_OK;
}

void hl_invdyn_extmap_free(hl_invdyn_extmap *map) {
  if (!map) return;
  free(map->body);
  free(map->force_frame);
  free(map->point_frame);
  free(map);
}

void hl_invdyn_add_point_force(const hl_data *d, int b, const double f[3], const double p[3],
                               const double tq[3], double *ext) {
  const double *o = d->body_p + 3 * b;
  double r[3], rxf[3];
  for (int k = 0; k < 3; k++) r[k] = p[k] - o[k];
  cross3(r, f, rxf);
  for (int k = 0; k < 3; k++) {
    ext[6 * b + k] += f[k];
    ext[6 * b + 3 + k] += rxf[k] + (tq ? tq[k] : 0.0);
  }
}

void hl_invdyn_ext_wrenches(const hl_model *m, const hl_data *d, const hl_extloads *x,
                            const hl_invdyn_extmap *map, double tm, double *ext) {
  memset(ext, 0, sizeof(double) * 6 * (size_t)m->nbody);
  for (int i = 0; i < map->nforce; i++) {
    const hl_extforce *xf = &x->force[i];
    double f[3] = {0, 0, 0}, pt[3] = {0, 0, 0}, tq[3] = {0, 0, 0};
    hl_extloads_eval(x, i, tm, f, pt, tq);
    int b = map->body[i], ff = map->force_frame[i], pf = map->point_frame[i];
    double fG[3], tG[3], pG[3];
    /* force and torque: from their frame to ground */
    matvec3(d->body_R + 9 * ff, f, fG);
    matvec3(d->body_R + 9 * ff, tq, tG);
    if (xf->point_col[0] < 0) {
      /* no point: at the applied body's origin */
      for (int k = 0; k < 3; k++) pG[k] = d->body_p[3 * b + k];
    } else {
      body_point(d, pf, pt, pG);
    }
    if (xf->torque_col[0] < 0) tG[0] = tG[1] = tG[2] = 0.0;
    hl_invdyn_add_point_force(d, b, fG, pG, tG, ext);
  }
}

void hl_invdyn_ext_record(const hl_model *m, const hl_data *d, const hl_extloads *x,
                          const hl_invdyn_extmap *map, int i, double tm, double out[9]) {
  (void)m;
  double f[3] = {0, 0, 0}, pt[3] = {0, 0, 0}, tq[3] = {0, 0, 0}, pg[3];
  hl_extloads_eval(x, i, tm, f, pt, tq);
  int b = map->body[i], ff = map->force_frame[i], pf = map->point_frame[i];
  const double *Rf = d->body_R + 9 * ff, *Rp = d->body_R + 9 * pf, *Rb = d->body_R + 9 * b;
  for (int k = 0; k < 3; k++) {
    out[k] = Rf[3 * k] * f[0] + Rf[3 * k + 1] * f[1] + Rf[3 * k + 2] * f[2];
    out[6 + k] = x->force[i].torque_col[0] < 0 ? 0 : Rf[3 * k] * tq[0] + Rf[3 * k + 1] * tq[1] + Rf[3 * k + 2] * tq[2];
    pg[k] = x->force[i].point_col[0] < 0 ? d->body_p[3 * b + k]
                                          : d->body_p[3 * pf + k] + Rp[3 * k] * pt[0] + Rp[3 * k + 1] * pt[1] + Rp[3 * k + 2] * pt[2];
  }
  double r[3] = {pg[0] - d->body_p[3 * b], pg[1] - d->body_p[3 * b + 1], pg[2] - d->body_p[3 * b + 2]};
  for (int k = 0; k < 3; k++) out[3 + k] = Rb[k] * r[0] + Rb[3 + k] * r[1] + Rb[6 + k] * r[2];
}
