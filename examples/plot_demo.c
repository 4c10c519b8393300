/* SPDX-License-Identifier: Apache-2.0 */
/* plot_demo — the two figures `hipload run` draws, on synthetic data:
 *   plot_demo.svg          hip contact force over % stance, contributions stacked beneath it
 *   plot_demo_muscles.svg  muscle forces over % stance
 * The curves are made up (smooth bumps shaped like a running stance, peak ~9 BW at 45 %); they
 * show the layout, not results. Usage: example_plot_demo [OUTPUT_DIR]  (default: .) */
#include <math.h>
#include <stdio.h>

#include "hipload/plot.h"

#define N 101

/* A smooth bump of height 1 centred at c (% stance) with width w. */
static double bump(double t, double c, double w) { return exp(-0.5 * ((t - c) / w) * ((t - c) / w)); }

static int fail(const hl_error *e) {
  fprintf(stderr, "plot_demo: %s\n", e->message);
  return 1;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : ".";
  double pct[N], total[N], gmed[N], gmax[N], ilio[N], rest[N];
  double iliacus[N], psoas[N], gmin[N];
  for (int i = 0; i < N; i++) {
    double t = i;
    pct[i] = t;
    total[i] = 8.6 * bump(t, 45, 19) + 1.2 * bump(t, 10, 5);
    gmed[i] = 4.3 * bump(t, 42, 17);
    gmax[i] = 2.1 * bump(t, 28, 13);
    ilio[i] = 1.6 * bump(t, 78, 11);
    rest[i] = total[i] - gmed[i] - gmax[i] - ilio[i]; /* GRF, inertia and other muscles */
    iliacus[i] = 0.55 * 1.6 * bump(t, 78, 11);
    psoas[i] = 0.45 * 1.6 * bump(t, 79, 10);
    gmin[i] = 1.3 * bump(t, 47, 16);
  }
  int ip = 0;
  for (int i = 1; i < N; i++)
    if (total[i] > total[ip]) ip = i;

  hl_error err;
  hl_plot *p = NULL;
  char path[1024];
  if (hl_plot_create("Hip contact force in running stance", "Stance (%)",
                     "Hip contact force (BW)", &p, &err) != HL_OK)
    return fail(&err);
  hl_plot_set_subtitle(p, "Right hip joint on the femur, magnitude, in ground; "
                          "contributions along the resultant. Synthetic demo data.", &err);
  hl_plot_set_caption(p, "hipload plot_demo — made-up curves for layout only; "
                         "bands: positive parts stack up from 0, negative parts down.", &err);
  hl_plot_set_x_range(p, 0, 100, &err);
  hl_plot_style grey;
  hl_plot_style_defaults(&grey);
  grey.color = 0xBBBBBB; /* the remainder in neutral grey, the named muscles in colour */
  if (hl_plot_add_stack(p, "Gluteus medius", pct, gmed, N, NULL, &err) != HL_OK ||
      hl_plot_add_stack(p, "Gluteus maximus", pct, gmax, N, NULL, &err) != HL_OK ||
      hl_plot_add_stack(p, "Iliopsoas", pct, ilio, N, NULL, &err) != HL_OK ||
      hl_plot_add_stack(p, "Other muscles, GRF & inertia", pct, rest, N, &grey, &err) != HL_OK ||
      hl_plot_add_line(p, "Total hip contact force", pct, total, N, NULL, &err) != HL_OK) {
    hl_plot_free(p);
    return fail(&err);
  }
  char lab[96];
  snprintf(lab, sizeof lab, "Peak %.1f BW at %.0f %%", total[ip], pct[ip]);
  hl_plot_add_marker(p, pct[ip], total[ip], lab, &err);
  snprintf(path, sizeof path, "%s/plot_demo.svg", dir);
  if (hl_plot_write_svg(p, path, &err) != HL_OK) {
    hl_plot_free(p);
    return fail(&err);
  }
  hl_plot_free(p);
  printf("wrote %s\n", path);

  /* muscle forces: groups solid, the two parts of iliopsoas dashed/dotted in its colour */
  p = NULL;
  if (hl_plot_create("Muscle forces in running stance", "Stance (%)", "Muscle force (BW)", &p,
                     &err) != HL_OK)
    return fail(&err);
  hl_plot_set_subtitle(p, "Right leg, static optimization (sum of squared activations). "
                          "Synthetic demo data.", &err);
  hl_plot_set_x_range(p, 0, 100, &err);
  hl_plot_style st;
  hl_plot_style_defaults(&st);
  st.color = hl_plot_okabe_ito(5);
  hl_plot_add_line(p, "Iliopsoas", pct, ilio, N, &st, &err);
  st.dash = HL_PLOT_DASHED;
  st.width = 2.5;
  hl_plot_add_line(p, "Iliacus", pct, iliacus, N, &st, &err);
  st.dash = HL_PLOT_DOTTED;
  st.width = 3.0;
  hl_plot_add_line(p, "Psoas", pct, psoas, N, &st, &err);
  hl_plot_style_defaults(&st);
  st.color = hl_plot_okabe_ito(1);
  hl_plot_add_line(p, "Gluteus maximus", pct, gmax, N, &st, &err);
  st.color = hl_plot_okabe_ito(3);
  hl_plot_add_line(p, "Gluteus medius", pct, gmed, N, &st, &err);
  st.color = hl_plot_okabe_ito(7);
  if (hl_plot_add_line(p, "Gluteus minimus", pct, gmin, N, &st, &err) != HL_OK) {
    hl_plot_free(p);
    return fail(&err);
  }
  snprintf(path, sizeof path, "%s/plot_demo_muscles.svg", dir);
  if (hl_plot_write_svg(p, path, &err) != HL_OK) {
    hl_plot_free(p);
    return fail(&err);
  }
  hl_plot_free(p);
  printf("wrote %s\n", path);
  return 0;
}
