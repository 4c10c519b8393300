/* SPDX-License-Identifier: Apache-2.0 */
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

int main(void) {
  Suite *s = suite_create("status");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_strerror_every_status);
  tcase_add_test(tc, test_error_set_formats_file_and_line);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
