/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/hipload.h"
#include "testutil.h"

START_TEST(test_strerror_every_status) {
  for (int s = 0; s < HL_STATUS_COUNT; s++) {
    const char *t = hl_strerror((hl_status)s);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_gt((int)strlen(t), 0);
  }
  ck_assert_str_eq(hl_strerror(HL_OK), "ok");
  ck_assert_str_eq(hl_strerror((hl_status)999), "unknown status");
}
END_TEST

START_TEST(test_error_set_formats_file_and_line) {
  hl_error e;
  hl_error_clear(&e);
  ck_assert_int_eq(e.status, HL_OK);
  hl_status s = hl_error_set(&e, HL_ERR_PARSE, "a.sto", 12, "column '%s' is not a number", "hip_flexion_r");
  ck_assert_int_eq(s, HL_ERR_PARSE);
  ck_assert_int_eq(e.line, 12);
  ck_assert_str_eq(e.file, "a.sto");
  ck_assert_str_eq(e.message, "a.sto:12: column 'hip_flexion_r' is not a number");
  ck_assert_int_eq(hl_error_set(NULL, HL_ERR_IO, NULL, 0, "x"), HL_ERR_IO);
}
END_TEST

static int ends_with(const char *s, const char *end) {
  size_t n = strlen(s), k = strlen(end);
  return n >= k && !strcmp(s + n - k, end);
}

/* hl_error's fields are fixed-size: nothing is cut silently. A path too long for `file` keeps its
 * start and its end (the file name) around "..."; in the message a long path gives up its middle
 * so the message itself stays whole. */
START_TEST(test_error_long_path_is_shortened_visibly) {
  char path[2101];
  memset(path, 'd', 2000);
  path[0] = '/';
  strcpy(path + 2000, "/trial_01.sto");
  hl_error e;
  hl_error_set(&e, HL_ERR_PARSE, path, 7, "column '%s' is not a number", "hip_flexion_r");
  ck_assert_uint_lt(strlen(e.file), sizeof e.file);
  ck_assert_ptr_nonnull(strstr(e.file, "..."));
  ck_assert(ends_with(e.file, "dd/trial_01.sto"));
  ck_assert(!strncmp(e.file, "/ddd", 4));
  ck_assert(ends_with(e.message, "/trial_01.sto:7: column 'hip_flexion_r' is not a number"));
  ck_assert_ptr_nonnull(strstr(e.message, "..."));
  ck_assert_ptr_null(strstr(e.message, "message cut"));
}
END_TEST

/* A message longer than the field ends with a mark giving the whole length; one that fits
 * exactly has none. */
START_TEST(test_error_long_message_is_marked) {
  hl_error e;
  char *big = malloc(3001);
  memset(big, 'q', 3000);
  big[3000] = '\0';
  hl_error_set(&e, HL_ERR_PARSE, "a.sto", 3, "%s", big);
  ck_assert_uint_eq(strlen(e.message), sizeof e.message - 1);
  ck_assert(!strncmp(e.message, "a.sto:3: qqq", 12));
  char mark[64];
  snprintf(mark, sizeof mark, " [... message cut, %d bytes]", (int)strlen("a.sto:3: ") + 3000);
  ck_assert_msg(ends_with(e.message, mark), "%s", e.message + 900);
  big[sizeof e.message - 1] = '\0'; /* exactly fills the field: no mark */
  hl_error_set(&e, HL_ERR_IO, NULL, 0, "%s", big);
  ck_assert_str_eq(e.message, big);
  big[sizeof e.message - 1] = 'q';
  big[sizeof e.message] = '\0'; /* one byte more */
  hl_error_set(&e, HL_ERR_IO, NULL, 0, "%s", big);
  snprintf(mark, sizeof mark, " [... message cut, %d bytes]", (int)sizeof e.message);
  ck_assert(ends_with(e.message, mark));
  free(big);
}
END_TEST

int main(void) {
  Suite *s = suite_create("status");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_strerror_every_status);
  tcase_add_test(tc, test_error_set_formats_file_and_line);
  tcase_add_test(tc, test_error_long_path_is_shortened_visibly);
  tcase_add_test(tc, test_error_long_message_is_marked);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
