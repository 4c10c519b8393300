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
#include "hipload/storage.h"
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

/* 0 when a and b hold the same labels and bit-identical numbers; else 1 and a note in what. */
static int table_differs(const hl_table *a, const hl_table *b, const char *name, char *what, size_t n) {
  if (!a || !b) {
    if (a == b) return 0;
    snprintf(what, n, "%s: present in one run only", name);
    return 1;
  }
  if (a->nrow != b->nrow || a->ncol != b->ncol) {
    snprintf(what, n, "%s: %dx%d vs %dx%d", name, a->nrow, a->ncol, b->nrow, b->ncol);
    return 1;
  }
  for (int c = 0; c < a->ncol; c++)
    if (strcmp(a->names[c], b->names[c])) {
      snprintf(what, n, "%s: column %d is %s vs %s", name, c, a->names[c], b->names[c]);
      return 1;
    }
  if (memcmp(a->data, b->data, sizeof(double) * (size_t)a->nrow * (size_t)a->ncol)) {
    for (size_t i = 0; i < (size_t)a->nrow * (size_t)a->ncol; i++)
      if (memcmp(&a->data[i], &b->data[i], sizeof(double))) {
        snprintf(what, n, "%s: row %zu column %s: %.17g vs %.17g", name, i / (size_t)a->ncol,
                 a->names[i % (size_t)a->ncol], a->data[i], b->data[i]);
        break;
      }
    return 1;
  }
  return 0;
}

static int trial_differs(const hl_trial *a, const hl_trial *b, char *what, size_t n) {
  const hl_analyze_report *x = &a->report, *y = &b->report;
  if (table_differs(x->so_force, y->so_force, "so_force", what, n) ||
      table_differs(x->so_activation, y->so_activation, "so_activation", what, n) ||
      table_differs(x->so_solver, y->so_solver, "so_solver", what, n) || table_differs(x->jr, y->jr, "jr", what, n))
    return 1;
  if (x->ncontrib != y->ncontrib) {
    snprintf(what, n, "%d vs %d contribution tables", x->ncontrib, y->ncontrib);
    return 1;
  }
  for (int j = 0; j < x->ncontrib; j++)
    if (table_differs(x->contrib[j], y->contrib[j], "contributions", what, n)) return 1;
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

/* The self-check: a differing table is reported as such. */
START_TEST(test_comparison_sees_one_bit) {
  double a[4] = {0, 1, 2, 3}, b[4] = {0, 1, 2, 3};
  char *names[2] = {"time", "f"};
  hl_table ta = {2, 2, names, a, 0, "", "", -1, 1}, tb = ta;
  tb.data = b;
  char what[256];
  ck_assert_int_eq(table_differs(&ta, &tb, "t", what, sizeof what), 0);
  b[3] = nextafter(3.0, 4.0);
  ck_assert_int_eq(table_differs(&ta, &tb, "t", what, sizeof what), 1);
  ck_assert_ptr_nonnull(strstr(what, "row 1 column f"));
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
