/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — the joint-reaction pass as a linear map of its inputs, shared by reaction.c (the
 * JointReaction output) and induced.c (each contributor's share of it). Not installed.
 *
 * A pass takes the motion of the bodies (angular and origin accelerations, and optionally the
 * angular velocities) and the loads applied to them (the weights, external wrenches, muscle
 * tensions, point/torque actuator loads) and returns the load the parent side transmits onto the
 * joint's child subtree: Newton–Euler over the subtree minus the applied loads on it. Every input
 * enters linearly except the velocities (ω × Iω and ω × (ω × r)): the pass of a sum of inputs
 * with the velocities in exactly one of them is the sum of the passes. hl_jr_compute is one pass
 * with everything in; induced.c runs it per contributor with the same code, so the parts add up
 * to the JointReaction output. */
#ifndef HIPLOAD_JR_INTERNAL_H
#define HIPLOAD_JR_INTERNAL_H

#include "hipload/model.h"

/* The inputs of one pass. */
typedef struct hl__jr_loads {
  const double *dw;        /* 3 per body: angular acceleration, ground */
  const double *a;         /* 3 per body: acceleration of the body origin, ground */
  const double *w;         /* 3 per body: angular velocity, ground; NULL: the bodies are at rest
                              (no velocity products) */
  int gravity;             /* 1: the bodies' weights are applied loads */
  const double *ext;       /* 6 per body: external wrench (force, moment about the body origin,
                              ground), or NULL */
  const double *mus_force; /* nmuscle tensions, N, or NULL */
  const double *act_force; /* nactuator forces (N or N·m) of point/torque actuators, or NULL;
                              coordinate actuators are mobility forces, part of the reaction */
} hl__jr_loads;

/* A joint as the pass sees it at the current pose (hl__jr_site_set). */
typedef struct hl__jr_site {
  int joint, on_parent, frame;
  const char *in_sub;      /* nbody flags: body in the child's subtree (caller's array) */
  double o[3];             /* child-side joint centre, ground */
  double pp[3];            /* parent-side joint centre, ground */
  double op[3];            /* o − pp */
} hl__jr_site;

/* Fill s for `joint` (reaction on its child, or on its parent when on_parent; expressed in body
 * `frame`, 0 = ground) at the pose in d; in_sub (nbody chars) receives the subtree flags. */
void hl__jr_site_set(const hl_model *m, const hl_data *d, int joint, int on_parent, int frame,
                     char *in_sub, hl__jr_site *s);

/* Body b's inertial load minus its weight (when gravity), about point o, ground:
 * F = m_b (a_G − g), M = I_G α + ω × I_G ω + (c_b − o) × F, with a_G = a + α × r + ω × (ω × r)
 * (w NULL: ω = 0). */
void hl__jr_body_load(const hl_model *m, const hl_data *d, int b, const double o[3],
                      const double dw[3], const double a[3], const double *w, int gravity,
                      double F[3], double M[3]);

/* One pass for site s, child side, about s->o, in ground: the intersegmental part inter (6:
 * force, moment), the muscles' part mus and the point/torque actuators' part act (each minus the
 * pull on the subtree); the reaction is inter + mus + act. mus_contrib (6·nmuscle) and act_contrib
 * (6·nactuator), each may be NULL: every muscle's / actuator's own part (zero when it does not
 * act across the joint). */
void hl__jr_pass(const hl_model *m, const hl_data *d, const hl__jr_site *s, const hl__jr_loads *L,
                 double inter[6], double mus[6], double act[6], double *mus_contrib,
                 double *act_contrib);

/* A child-side load (f, mo about s->o, ground) as the site reports it: on the parent (equal and
 * opposite, moment moved to the parent-side centre) when s->on_parent, expressed in s->frame.
 * Linear; of and om may alias f and mo. */
void hl__jr_express(const hl_data *d, const hl__jr_site *s, const double f[3], const double mo[3],
                    double of[3], double om[3]);

/* The joint-space mass matrix of all nq coordinates (row-major nq × nq, full) at the pose in d.
 * scratch: 9·nq doubles. */
void hl__mass_matrix(const hl_model *m, const hl_data *d, double *M, double *scratch);

#endif
