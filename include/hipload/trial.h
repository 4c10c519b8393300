/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — one stance, end to end: inverse dynamics, static optimization, hip/knee/ankle
 * contact forces and their muscle contributions, and the numbers a running researcher asks for.
 *
 * Conventions of the summary (they are also written into every output file's header):
 *  - Contact force = the joint reaction ON the leg's child body (femur, tibia, talus), EXPRESSED
 *    IN that body's frame, at the joint centre — OpenSim's <joint>_on_<child>_in_<child>.
 *  - Resultant = |force|. BW = body mass × |gravity| (mass from the model unless given).
 *  - % stance = 100 (t − t0)/(t1 − t0) over the analysed window.
 *  - A group's contribution "along the resultant" is the projection of its force vector on the
 *    unit vector of the total contact force at the same instant; projections of all parts
 *    (intersegmental, muscles, actuators) add up to the resultant. Share = projection/resultant.
 *
 * Thread safety: reentrant; a trial owns its series and workspaces, and only reads the model,
 * coordinates and loads, which many trials on many threads may share (test_threads).
 */
#ifndef HIPLOAD_TRIAL_H
#define HIPLOAD_TRIAL_H

#include "hipload/extloads.h"
#include "hipload/frame.h"
#include "hipload/groups.h"
#include "hipload/model.h"
#include "hipload/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_trial_settings {
  char leg;                  /* 'r' or 'l' (default 'r') */
  double t0, t1;             /* analysis window, s; NAN (default) = stance detected from the GRF */
  double stance_threshold;   /* N, vertical GRF threshold for stance detection (default 20) */
  double lowpass_hz;         /* coordinate low-pass cutoff, Hz; ≤ 0 off (default -1) */
  double exponent;           /* static-optimization cost exponent (default 2) */
  int use_muscle_physiology; /* default 1 */
  int so_opensim;            /* 1: static optimization reports where OpenSim's interior-point
                                optimizer stops (log-barrier point, docs/so-opensim.md) instead of
                                the exact optimum (default 0) */
  double body_mass;          /* kg for BW; ≤ 0 (default) = the model's mass */
  int step_interval;         /* analyse every n-th kinematics row (default 1) */
  const char *name;          /* output file prefix (default "hipload") */
  const hl_groups *groups;   /* muscle groups of the contributions (NULL, default: the anatomical
                                ones; the summary's named groups are found by name in them) */
  int induced;               /* 1 (default): induced contributions (frame.h, docs/induced.md): the
                                series, the summary's induced shares, the InducedContributions
                                and InducedGRF files and the induced figures */
  hl_induced_settings induced_settings; /* contact model, threshold (hl_induced_settings_defaults) */
} hl_trial_settings;

HL_API void hl_trial_settings_defaults(hl_trial_settings *s);

#define HL_TRIAL_NGROUP 4 /* iliopsoas, gluteus_maximus, gluteus_medius, gluteus_minimus */
#define HL_TRIAL_NOTHER 6 /* top other contributors reported */

typedef struct hl_peak {
  double value;     /* N (or BW where the field says so) */
  double bw;        /* value / BW */
  double time;      /* s */
  double pct;       /* % stance */
} hl_peak;

typedef struct hl_contribution {
  char name[HL_GROUP_NAME_MAX]; /* group name ("intersegmental", "actuators" for the non-muscle parts) */
  double at_peak_bw;    /* projection on the resultant at the hip peak, BW */
  double at_peak_share; /* that / resultant */
  double impulse_bw_s;  /* ∫ projection dt over the window, BW·s */
  double impulse_share; /* that / ∫ resultant dt */
} hl_contribution;

/* One contributor's (or group's) share of a joint's contact force in the induced analysis:
 * components along the resultant, as hl_contribution. direct: through its own force across the
 * joint; induced: all of it (direct + through the accelerations and the ground reaction it
 * induces). */
typedef struct hl_induced_share {
  char name[HL_GROUP_NAME_MAX];
  double direct_at_peak_bw, induced_at_peak_bw;   /* at the joint's peak, BW */
  double direct_at_peak_share, induced_at_peak_share;
  double direct_impulse_bw_s, induced_impulse_bw_s; /* over the window, BW·s */
  double direct_impulse_share, induced_impulse_share;
} hl_induced_share;

/* The induced contributions to one joint's contact force: the four named groups, the largest
 * others (groups, gravity, velocity, actuators, CoordinateLimitForces) by |induced at the peak|,
 * and the bookkeeping terms; the contact-mismatch share per phase of stance. */
typedef struct hl_induced_joint_summary {
  hl_induced_share named[HL_TRIAL_NGROUP];
  int nother;
  hl_induced_share other[HL_TRIAL_NOTHER];
  hl_induced_share mismatch, residual, unmodelled; /* contact_mismatch, dynamic_residual, unmodelled_grf */
  /* contact_mismatch's impulse along the resultant / the resultant's, over the first 20 % of the
   * window (loading), 20–60 % (mid) and 60–100 % (late); and the whole window */
  double mismatch_phase_share[3];
} hl_induced_joint_summary;

typedef struct hl_trial_summary {
  double body_mass_kg, bw_n;
  double t0, t1;             /* window */
  char leg;
  int nframe;
  hl_peak hip, knee, ankle;  /* resultant contact force peaks */
  double hip_impulse_bw_s;   /* ∫ |hip force| dt / BW */
  /* muscle forces (sums of the group's bundles on the leg) */
  hl_peak iliacus, psoas, iliopsoas, gluteus_maximus, gluteus_medius, gluteus_minimus;
  /* contributions to the hip contact force: the four named groups in the order above, then
   * the other groups sorted by |at_peak_bw|, then intersegmental and actuators */
  hl_contribution named[HL_TRIAL_NGROUP];
  int nother;
  hl_contribution other[HL_TRIAL_NOTHER];
  hl_contribution intersegmental, actuators;
  /* induced contributions (settings.induced): hip, knee, ankle */
  int has_induced;
  hl_induced_joint_summary induced[3];
  int induced_frames_flagged;  /* frames with HL_FRAME_INDUCED_* flags */
  /* solver */
  int so_least_squares;      /* frames solved in least squares (actuators too weak) */
  double so_max_residual;    /* N·m or N */
  double so_max_reserve;     /* largest non-muscle actuator force, N or N·m */
  char so_max_reserve_name[HL_NAME_MAX];
  double seconds;
  /* the options the trial ran with (they go into every output's header) */
  double exponent;
  int use_muscle_physiology;
  double so_barrier_mu;      /* 0: the exact optimum; > 0: OpenSim's stopping point at this μ */
  double lowpass_hz;
  int step_interval;
} hl_trial_summary;

/* Every frame's results, as typed arrays (struct of arrays, row f of an array of width w at
 * [f·w]). Joint j = 0, 1, 2 is hip, knee, ankle: the reaction on the child body, in its frame
 * (trial.joint). */
typedef struct hl_trial_series {
  int nframe;
  int nmuscle, nactuator;     /* nact = nmuscle + nactuator, muscles first (frame.h) */
  int nlimit, nload;          /* CoordinateLimitForces, external forces */
  int ngroup;                 /* muscle groups */
  double *time;               /* nframe, s */
  double *pct;                /* nframe, % of the window (summary t0..t1) */
  double *control;            /* nframe × nact: activations and actuator controls */
  double *force;              /* nframe × nact: N (muscles, point actuators), N·m (torques),
                                 N or N·m (coordinate actuators) */
  hl_so_info *so;             /* nframe: each frame's solve */
  double *limit_force;        /* nframe × nlimit, N·m or N */
  double *limit_energy;       /* nframe × nlimit, J */
  double *loads_record;       /* nframe × nload × 9: OpenSim's record of each external force
                                 (frame.h loads_record) */
  hl_jr_result *reaction;     /* nframe × 3: hip, knee, ankle */
  double *muscle_contrib;     /* nframe × 3 × nmuscle × 6: force (N), moment (N·m) */
  double *group_contrib;      /* nframe × 3 × ngroup × 6 */
  /* per trial */
  char **group_name;          /* ngroup */
  int *muscle_group;          /* nmuscle */
  int *muscle_crosses;        /* 3 × nmuscle */
  int *group_crosses;         /* 3 × ngroup */
  char **load_prefix;         /* nload: "<body>_<force>_", the force file's column prefixes */
  /* induced contributions (settings.induced; else 0 and NULL), as frame.h gives them */
  int ncontributor, nfoot;
  char **contributor_name;    /* ncontributor */
  int *contributor_kind;      /* ncontributor: hl_induced_kind */
  int *foot_body;             /* nfoot */
  double *induced;            /* nframe × 3 × ncontributor × 6 */
  double *induced_direct;     /* nframe × 3 × ncontributor × 6 */
  double *induced_group;      /* nframe × 3 × ngroup × 6 */
  double *induced_grf;        /* nframe × ncontributor × HL_INDUCED_MAX_FEET × 6 */
  double *induced_com;        /* nframe × ncontributor × 3 */
  int *induced_foot_flags;    /* nframe × nfoot */
  int *frame_flags;           /* nframe: hl_frame_result.flags */
} hl_trial_series;

typedef struct hl_trial {
  hl_trial_summary summary;
  hl_trial_series series;    /* every frame */
  int joint[3];              /* model joints analysed: hip, knee, ankle */
} hl_trial;

/* Run one stance: every frame through hl_frame_step (frame.h), its results kept in the series,
 * the summary computed from them. loads may be NULL (no external loads). The model must already
 * hold its reserve actuators. Free the trial with hl_trial_free. */
HL_API hl_status hl_trial_run(const hl_model *m, const hl_table *coords, const hl_extloads *loads,
                              const hl_trial_settings *s, hl_trial **out, hl_error *err);
HL_API void hl_trial_free(hl_trial *t);

/* Write the trial's outputs into dir (created): the .sto files, <name>_summary.csv (one row per
 * frame: time, % stance, hip/knee/ankle resultants in N and BW, group contributions, muscle
 * forces), summary.json, and the SVG figures hip_contact.svg and muscle_forces.svg. Files are
 * written atomically. */
HL_API hl_status hl_trial_write(const hl_trial *t, const hl_model *m, const char *dir,
                                const hl_trial_settings *s, hl_error *err);

/* Stance of `leg` from the ExternalForce applied to calcn_<leg>: first and last time the vertical
 * (y) force exceeds threshold, longest run, inside [lo, hi]. */
HL_API hl_status hl_trial_detect_stance(const hl_model *m, const hl_extloads *loads, char leg,
                                        double threshold, double lo, double hi, double *t0, double *t1,
                                        hl_error *err);



#ifdef __cplusplus
}
#endif
#endif
