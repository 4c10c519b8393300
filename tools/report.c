/* SPDX-License-Identifier: Apache-2.0 */
#include "report.h"

#include <math.h>
#include <string.h>

static void peak_row(FILE *f, const char *label, const hl_peak *p) {
  fprintf(f, "  %-22s %8.0f N  %6.2f BW  at %.3f s (%3.0f %% stance)\n", label, p->value, p->bw, p->time, p->pct);
}

static void contrib_row(FILE *f, const hl_contribution *c) {
  char label[64];
  snprintf(label, sizeof label, "%s", c->name);
  for (char *p = label; *p; p++)
    if (*p == '_') *p = ' ';
  fprintf(f, "  %-26s %7.2f BW %5.0f %%    %7.3f BW·s %5.0f %%\n", label, c->at_peak_bw, 100 * c->at_peak_share,
          c->impulse_bw_s, 100 * c->impulse_share);
}

static void share_row(FILE *f, const hl_induced_share *c) {
  char label[64];
  snprintf(label, sizeof label, "%s", c->name);
  for (char *p = label; *p; p++)
    if (*p == '_') *p = ' ';
  fprintf(f, "  %-24s %6.2f %4.0f %%  %6.2f %4.0f %%     %6.3f %4.0f %%  %6.3f %4.0f %%\n", label, c->direct_at_peak_bw,
          100 * c->direct_at_peak_share, c->induced_at_peak_bw, 100 * c->induced_at_peak_share, c->direct_impulse_bw_s,
          100 * c->direct_impulse_share, c->induced_impulse_bw_s, 100 * c->induced_impulse_share);
}

/* The induced contributions, per joint (docs/induced.md). */
static void print_induced(FILE *f, const hl_trial_summary *S) {
  static const char *const jn[3] = {"hip", "knee", "ankle"};
  const hl_peak *pk[3] = {&S->hip, &S->knee, &S->ankle};
  fprintf(f, "\nInduced contributions (along each resultant; direct: the muscle's own pull across the joint; induced: "
             "with the accelerations and ground reaction it induces, rolling contact at the centre of pressure)\n");
  for (int j = 0; j < 3; j++) {
    const hl_induced_joint_summary *J = &S->induced[j];
    fprintf(f, "  %s (peak %.2f BW at %.0f %% stance)   at the peak: direct  induced (BW)   over stance: direct  induced (BW·s)\n",
            jn[j], pk[j]->bw, pk[j]->pct);
    for (int g = 0; g < HL_TRIAL_NGROUP; g++) share_row(f, &J->named[g]);
    for (int i = 0; i < J->nother; i++) share_row(f, &J->other[i]);
    share_row(f, &J->mismatch);
    fprintf(f, "  contact mismatch over loading (0-20 %%) / mid (20-60 %%) / late (60-100 %%) stance: %.0f %% / %.0f %% / %.0f %%\n",
            100 * J->mismatch_phase_share[0], 100 * J->mismatch_phase_share[1], 100 * J->mismatch_phase_share[2]);
  }
  if (S->induced_frames_flagged)
    fprintf(f, "  %d frame(s) flagged: a foot above the force threshold left unconstrained or dependent contact rows "
               "(the per-frame flags in the summary CSV)\n", S->induced_frames_flagged);
}

void hl_print_trial(FILE *f, const hl_trial *t, const hl_model *m, const char *what) {
  const hl_trial_summary *S = &t->summary;
  char lg = S->leg;
  fprintf(f, "hipload %s — %s\n", hl_version(), what);
  fprintf(f, "model %s, body mass %.1f kg (BW %.0f N); %s stance %.3f–%.3f s, %d frames, %.2f s\n\n", m->name,
          S->body_mass_kg, S->bw_n, lg == 'l' ? "left" : "right", S->t0, S->t1, S->nframe, S->seconds);
  fprintf(f, "Contact forces (joint reaction on the child body, in its frame; resultant)\n");
  char lab[64];
  snprintf(lab, sizeof lab, "hip_%c on femur_%c", lg, lg);
  peak_row(f, lab, &S->hip);
  snprintf(lab, sizeof lab, "knee on tibia_%c", lg);
  peak_row(f, lab, &S->knee);
  snprintf(lab, sizeof lab, "ankle on talus_%c", lg);
  peak_row(f, lab, &S->ankle);
  fprintf(f, "  hip impulse over the window: %.3f BW·s\n\n", S->hip_impulse_bw_s);
  fprintf(f, "Muscle forces (static optimization, bundles summed)\n");
  peak_row(f, "iliacus", &S->iliacus);
  peak_row(f, "psoas", &S->psoas);
  peak_row(f, "iliopsoas (sum)", &S->iliopsoas);
  peak_row(f, "gluteus maximus", &S->gluteus_maximus);
  peak_row(f, "gluteus medius", &S->gluteus_medius);
  peak_row(f, "gluteus minimus", &S->gluteus_minimus);
  fprintf(f, "\nContributions to the hip contact force (component along the resultant)\n");
  fprintf(f, "  %-26s  at the peak (%.2f BW)   over stance (%.3f BW·s)\n", "", S->hip.bw, S->hip_impulse_bw_s);
  for (int g = 0; g < HL_TRIAL_NGROUP; g++) contrib_row(f, &S->named[g]);
  fprintf(f, "  top other contributors:\n");
  for (int i = 0; i < S->nother; i++) contrib_row(f, &S->other[i]);
  contrib_row(f, &S->intersegmental);
  if (fabs(S->actuators.at_peak_bw) > 1e-9 || fabs(S->actuators.impulse_bw_s) > 1e-9) contrib_row(f, &S->actuators);
  fprintf(f, "\nStatic optimization: %d of %d frames in least squares (actuators too weak), max residual %.2g, "
             "largest reserve %.3g (%s)\n",
          S->so_least_squares, S->nframe, S->so_max_residual, S->so_max_reserve,
          S->so_max_reserve_name[0] ? S->so_max_reserve_name : "-");
  if (S->has_induced) print_induced(f, S);
}
