/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — private layout of the induced-contributions workspace, shared by induced.c (the
 * frame), induced_contact.c (contact rows) and induced_solve.c (the dense kernels and the
 * influence matrix). Not installed. */
#ifndef HIPLOAD_INDUCED_INTERNAL_H
#define HIPLOAD_INDUCED_INTERNAL_H

#include "hipload/induced.h"
#include "jr_internal.h"

#define HL__IND_MAXROW (6 * HL_INDUCED_MAX_FEET)
#define HL__IND_NSPECIAL 4 /* contributors solved in full: gravity, velocity, mismatch, unmodelled */

/* One contact row: a direction of force at the contact point (trans = 1) or of moment (0). */
typedef struct hl__ind_row {
  int foot;        /* index into the frame's feet */
  int trans;
  double dir[3];   /* unit, ground */
} hl__ind_row;

struct hl_induced {
  hl_induced_settings set;
  int nq, nb, nm, na, nl;    /* model sizes the workspace was made for */
  int nf;                    /* free (unlocked) coordinates */
  int *free_idx;             /* nf: model coordinate of each free index */
  int *free_of;              /* nq: free index of each coordinate, -1 when locked */
  /* Free indices are in tree order (coordinates of a body's joint after its ancestors'); when
   * every coordinate drives one joint, M = Lᵀ D L with L's nonzeros only between a coordinate and
   * its ancestors (Featherstone's LTDL, no fill-in): tree = 1, par[f] is the free index before f
   * on its path to the root (-1 at the root). Otherwise a dense Cholesky (tree = 0). */
  int tree;
  int *par;                  /* nf */
  /* f's ancestors as runs of consecutive free indices: run_lo/run_len[run_adr[f] ..
   * + run_num[f]) (the solves then read L's rows contiguously) */
  int *run_adr, *run_num, *run_lo, *run_len;
  int nj;
  hl_induced_joint *joint;   /* nj */
  char *in_sub;              /* nj × nb subtree flags */
  hl__jr_site *site;         /* nj, set per frame */
  int no;                    /* rows of the influence matrix: 6 nj + 3 (COM) */
  int K;                     /* contributors */
  int k_grav, k_vel, k_pas, k_mis, k_res, k_unm;
  double mass;               /* total mass, kg */
  double n[3], t1[3], t2[3]; /* floor normal and tangents */

  /* per frame: dynamics */
  double *Mq;                /* nq × nq scratch for the dense mass matrix (tree = 0) */
  double *Mf;                /* nf × nf: the mass matrix on the free coordinates (lower triangle) */
  /* tree = 1: the composite-rigid-body quantities of the frame, about the ground origin */
  double *Ic;                /* 10 per body: mass, first moment m c (3), inertia about the
                                origin (xx, yy, zz, xy, xz, yz) of the body's whole subtree */
  double *sv;                /* 6 per free coordinate: its twist (ω, velocity of the point at the
                                ground origin) per unit speed */
  double *Fc;                /* 6 per free coordinate: the subtree's momentum rate per unit
                                acceleration of it (force, moment about the ground origin) */
  int *cbody;                /* nf: the body its joint moves */
  double *L;                 /* nf × nf Cholesky factor (lower triangle, row-major) */
  double *mscr;              /* 9 nq scratch for hl__mass_matrix */
  /* contact */
  int nfoot;
  int foot_body[HL_INDUCED_MAX_FEET];
  int foot_flags[HL_INDUCED_MAX_FEET];
  double foot_p[3 * HL_INDUCED_MAX_FEET];  /* contact point, ground */
  int foot_nodrop[HL_INDUCED_MAX_FEET];    /* rows kept by opensim_unilateral: bit 0 no-slip,
                                              bit 1 no-spin */
  int nrow;
  hl__ind_row row[HL__IND_MAXROW];
  double *C;                 /* HL__IND_MAXROW × nf */
  double bias[HL__IND_MAXROW]; /* Ċu: the rows' acceleration at q̈ = 0 */
  double *W;                 /* HL__IND_MAXROW × nf: row r = M⁻¹ C_rᵀ */
  double S[HL__IND_MAXROW * HL__IND_MAXROW];   /* C M⁻¹ Cᵀ */
  double Lam[HL__IND_MAXROW * HL__IND_MAXROW]; /* its (pseudo-)inverse */
  int rank, rank_deficient;
  double min_pivot;
  double *Gt;                /* nf × HL__IND_MAXROW: W Λ (λ = −Gtᵀ τ for β = 0) */
  /* influence matrix */
  double *P;                 /* no × nf: reaction rows (expressed) and COM rows per unit ẍ */
  double *Ht;                /* nf × no: reaction and COM per unit generalized force */
  double *D;                 /* no × HL__IND_MAXROW scratch */

  /* outputs */
  double *jr, *jr_direct;    /* K × nj × 6 */
  double *grf;               /* K × HL_INDUCED_MAX_FEET × 6 */
  double *com;               /* K × 3 */
  double *jr_total;          /* nj × 6 */
  double *lam;               /* K × HL__IND_MAXROW */
  double *xs;                /* HL__IND_NSPECIAL × nf: ẍ of the contributors solved in full */
  double *tau_res;           /* nf: the dynamic residual's generalized force */
  double *tau_g, *tau_v;     /* nf each: gravity's and the velocity products' generalized forces */
  double *acc_pas;           /* nl: CoordinateLimitForce values of the frame */

  /* scratch */
  double *tau, *tau2, *x, *y; /* nf, nf, nf, no */
  double *tq, *tq2;           /* nq each */
  double *J3;                 /* 3 nq */
  double *dw, *a;             /* 3 nb each: body accelerations of one contributor */
  double *ext;                /* 6 nb: loads of one contributor */
  double *ext_rep;            /* 6 nb: the measured load the contact rows carry */
  double *mc, *ac;            /* 6 nm, 6 na: direct parts from one pass */
  int *iscr;                  /* nf */
  double *fk;                 /* nm + na: the frame's muscle and actuator forces */
};

/* induced_solve.c: dense kernels */
int hl__ind_chol(double *A, int n);                     /* lower Cholesky in place; 0 on failure */
void hl__ind_chol_solve(const double *L, int n, double *x);
/* Factor the mass matrix held (lower triangle, free indices) in w->L: LTDL when w->tree, else
 * Cholesky. 0 when it is not positive definite. */
int hl__ind_mfactor(hl_induced *w);
/* Tree case: composite inertias, twists and M's lower triangle into w->Mf. */
void hl__ind_crba(hl_induced *w, const hl_model *m, const hl_data *d);
/* x ← M⁻¹ x (free indices). */
void hl__ind_msolve(const hl_induced *w, double *x);
/* Λ = (C M⁻¹ Cᵀ)⁻¹ from w->S (w->nrow rows): Cholesky of the diagonally scaled matrix, or its
 * minimum-norm pseudo-inverse (Jacobi eigenvalues) when a pivot falls below 1e-10. Sets Lam,
 * rank, rank_deficient, min_pivot. */
void hl__ind_schur(hl_induced *w);
/* P, then Ht = (P M⁻¹ − (P W + Q) Λ Wᵀ)ᵀ for the current rows. */
void hl__ind_influence(hl_induced *w, const hl_model *m, const hl_data *d);

/* induced_contact.c */
/* Decide which feet are constrained, build the rows, C and the bias (Ċu). */
void hl__ind_contact_rows(hl_induced *w, const hl_model *m, const hl_data *d,
                          const hl_induced_foot *foot, int nfoot);
/* Factor what the rows need: W, S, Λ, Gt. */
void hl__ind_factor_rows(hl_induced *w);
/* The part of the measured foot loads the rows carry, as body wrenches (6 nb, zeroed first). */
void hl__ind_representable(const hl_induced *w, const hl_data *d, const hl_induced_foot *foot,
                           double *ext_rep);
/* The contact loads of multipliers lam added to ext (6 nb). */
void hl__ind_add_contact(const hl_induced *w, const hl_data *d, const double *lam, double *ext);
/* OpenSim's total-mode switching on the total's multipliers: returns 1 when rows were dropped
 * (the caller rebuilds). */
int hl__ind_unilateral(hl_induced *w, const double *lam_total);

/* One solve with every real contributor at once (muscles, actuators, gravity, velocity, the
 * CoordinateLimitForces) on the last frame's rows: its multipliers lam (nrow) and accelerations x
 * (free coordinates, tree order). For the superposition test. */
void hl__ind_total(hl_induced *w, const hl_model *m, const hl_data *d, const hl_induced_input *in,
                   double *lam, double *x);

#endif
