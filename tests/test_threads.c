/* SPDX-License-Identifier: Apache-2.0 */
/* Thread safety (issue 9): one hl_model shared read-only by several threads, each running whole
 * trials (kinematics, inverse dynamics, static optimization, joint reaction, contributions) with
 * its own workspaces, gives results bit-identical to a single-threaded run. Eight threads — more
 * than the cores of the CI machines — so that they are preempted mid-frame. Also built and run
 * under ThreadSanitizer (see docs/batch.md). */
#include <libxml/parser.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/extloads.h"
#include "hipload/model.h"
#include "hipload/table.h"
#include "hipload/trial.h"
#include "testutil.h"

#define NTHREAD 8
#define NREP 2

typedef struct {
  const hl_model *m;        /* shared */
  const hl_table *q;        /* shared kinematics */
  const hl_extloads *x;     /* shared external loads */
  const hl_trial *ref[2];   /* single-thread results, right and left leg */
  const char *qpath, *xpath;
  pthread_barrier_t *start;
  int index;
  /* out */
  int runs, mismatches;
  char what[1200];
} job;

/* 0 when a[0..n) and b[0..n) are bit-identical; else 1 and a note in what. */
static int doubles_differ(const double *a, const double *b, size_t n, const char *name, char *what, size_t wn) {
  if (!memcmp(a, b, sizeof(double) * n)) return 0;
  for (size_t i = 0; i < n; i++)
    if (memcmp(&a[i], &b[i], sizeof(double))) {
      snprintf(what, wn, "%s[%zu]: %.17g vs %.17g", name, i, a[i], b[i]);
      break;
    }
  return 1;
}

static int trial_differs(const hl_trial *a, const hl_trial *b, char *what, size_t n) {
  const hl_trial_series *x = &a->series, *y = &b->series;
  if (x->nframe != y->nframe || x->nmuscle != y->nmuscle || x->ngroup != y->ngroup) {
    snprintf(what, n, "%d vs %d frames", x->nframe, y->nframe);
    return 1;
  }
  size_t F = (size_t)x->nframe, A = (size_t)(x->nmuscle + x->nactuator);
  if (doubles_differ(x->time, y->time, F, "time", what, n) ||
      doubles_differ(x->control, y->control, F * A, "control", what, n) ||
      doubles_differ(x->force, y->force, F * A, "force", what, n) ||
      doubles_differ((const double *)x->reaction, (const double *)y->reaction,
                     F * 3 * sizeof(hl_jr_result) / sizeof(double), "reaction", what, n) ||
      doubles_differ(x->muscle_contrib, y->muscle_contrib, F * 3 * (size_t)x->nmuscle * 6, "muscle_contrib", what, n) ||
      doubles_differ(x->group_contrib, y->group_contrib, F * 3 * (size_t)x->ngroup * 6, "group_contrib", what, n))
    return 1;
  size_t K = (size_t)x->ncontributor; /* induced contributions (on by default) */
  if (x->ncontributor != y->ncontributor ||
      doubles_differ(x->induced, y->induced, F * 3 * K * 6, "induced", what, n) ||
      doubles_differ(x->induced_group, y->induced_group, F * 3 * (size_t)x->ngroup * 6, "induced_group", what, n) ||
      doubles_differ(x->induced_grf, y->induced_grf, F * K * HL_INDUCED_MAX_FEET * 6, "induced_grf", what, n))
    return 1;
  for (size_t f = 0; f < F; f++)
    if (memcmp(&x->so[f], &y->so[f], sizeof x->so[f])) {
      snprintf(what, n, "solver report of frame %zu", f);
      return 1;
    }
  if (!K) {
    snprintf(what, n, "no induced contributions");
    return 1;
  }
  hl_trial_summary s = a->summary, t = b->summary;
  s.seconds = t.seconds = 0; /* wall time, the one field allowed to differ */
  if (memcmp(&s, &t, sizeof s)) {
    snprintf(what, n, "summaries differ (hip peak %.17g vs %.17g)", s.hip.value, t.hip.value);
    return 1;
  }
  return 0;
}

static hl_status run(const hl_model *m, const hl_table *q, const hl_extloads *x, char leg, hl_trial **t, hl_error *e) {
  hl_trial_settings s;
  hl_trial_settings_defaults(&s);
  s.leg = leg;
  return hl_trial_run(m, q, x, &s, t, e);
}

static void *worker(void *arg) {
  job *j = arg;
  pthread_barrier_wait(j->start);
  for (int rep = 0; rep < NREP; rep++) {
    int leg = (j->index + rep) % 2; /* both legs in flight at once */
    hl_error e;
    hl_table *q = NULL;
    hl_extloads *x = NULL;
    hl_trial *t = NULL;
    const hl_table *qq = j->q;
    const hl_extloads *xx = j->x;
    hl_status st = HL_OK;
    if (rep == 0) { /* the first round also parses its own inputs, concurrently with the others */
      st = hl_table_read(j->qpath, &q, &e);
      if (!st) st = hl_extloads_load(j->xpath, NULL, &x, &e);
      qq = q, xx = x;
    }
    if (!st) st = run(j->m, qq, xx, leg ? 'l' : 'r', &t, &e);
    j->runs++;
    if (st) {
      snprintf(j->what, sizeof j->what, "thread %d: %s", j->index, e.message);
      j->mismatches++;
    } else if (trial_differs(t, j->ref[leg], j->what, sizeof j->what))
      j->mismatches++;
    hl_trial_free(t);
    hl_extloads_free(x);
    hl_table_free(q);
  }
  return NULL;
}

START_TEST(test_shared_model_bit_identical) {
  if (!tu_require_data()) return;
  char mp[1024], ap[1024], qp[1024], xp[1024];
  tu_data(mp, sizeof mp, "run-hamner2010/reference/subject02_RRA_Adjusted.osim");
  tu_data(ap, sizeof ap, "run-hamner2010/Actuators_CMC.xml");
  tu_data(qp, sizeof qp, "run-hamner2010/reference/rra_run_1_Kinematics_q.sto");
  tu_data(xp, sizeof xp, "run-hamner2010/subject02_grf_HiFreq.xml");
  hl_model *m = NULL;
  hl_table *q = NULL;
  hl_extloads *x = NULL;
  hl_error e;
  xmlInitParser(); /* libxml2: once, before threads parse */
  ck_assert_msg(hl_model_load(mp, &m, &e) == HL_OK, "%s", e.message);
  ck_assert_msg(hl_model_add_force_set(m, ap, 0, &e) == HL_OK, "%s", e.message);
  ck_assert_msg(hl_table_read(qp, &q, &e) == HL_OK, "%s", e.message);
  ck_assert_msg(hl_extloads_load(xp, NULL, &x, &e) == HL_OK, "%s", e.message);

  /* single thread first: right stance (1.105-1.347 s in the data README) and left stance */
  hl_trial *ref[2] = {NULL, NULL};
  ck_assert_msg(run(m, q, x, 'r', &ref[0], &e) == HL_OK, "%s", e.message);
  ck_assert_msg(run(m, q, x, 'l', &ref[1], &e) == HL_OK, "%s", e.message);
  ck_assert_double_eq_tol(ref[0]->summary.t0, 1.105, 1e-9);
  ck_assert_int_gt(ref[0]->summary.nframe, 200);
  ck_assert_int_gt(ref[1]->summary.nframe, 100);
  ck_assert(ref[0]->summary.hip.value > 3000 && ref[1]->summary.hip.value > 3000);
  char what[512];
  ck_assert_msg(trial_differs(ref[0], ref[1], what, sizeof what) == 1, "the two legs cannot be told apart");

  pthread_barrier_t start;
  ck_assert_int_eq(pthread_barrier_init(&start, NULL, NTHREAD), 0);
  pthread_t th[NTHREAD];
  job jobs[NTHREAD];
  for (int i = 0; i < NTHREAD; i++) {
    jobs[i] = (job){m, q, x, {ref[0], ref[1]}, qp, xp, &start, i, 0, 0, ""};
    ck_assert_int_eq(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
  }
  for (int i = 0; i < NTHREAD; i++) pthread_join(th[i], NULL);
  pthread_barrier_destroy(&start);
  int runs = 0;
  for (int i = 0; i < NTHREAD; i++) {
    ck_assert_msg(jobs[i].mismatches == 0, "thread %d: %s", i, jobs[i].what);
    runs += jobs[i].runs;
  }
  ck_assert_int_eq(runs, NTHREAD * NREP);
  fprintf(stderr, "threads: %d concurrent trials on one model, all bit-identical to one thread\n", runs);
  hl_trial_free(ref[0]);
  hl_trial_free(ref[1]);
  hl_extloads_free(x);
  hl_table_free(q);
  hl_model_free(m);
}
END_TEST

/* The self-check: one differing bit is reported as such. */
START_TEST(test_comparison_sees_one_bit) {
  double a[4] = {0, 1, 2, 3}, b[4] = {0, 1, 2, 3};
  char what[256];
  ck_assert_int_eq(doubles_differ(a, b, 4, "f", what, sizeof what), 0);
  b[3] = nextafter(3.0, 4.0);
  ck_assert_int_eq(doubles_differ(a, b, 4, "f", what, sizeof what), 1);
  ck_assert_ptr_nonnull(strstr(what, "f[3]"));
}
END_TEST

int main(void) {
  Suite *s = suite_create("threads");
  TCase *tc = tcase_create("shared model");
  tcase_set_timeout(tc, 900);
  tcase_add_test(tc, test_comparison_sees_one_bit);
  tcase_add_test(tc, test_shared_model_bit_identical);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
