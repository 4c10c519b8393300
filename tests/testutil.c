#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *tu_data(char *buf, size_t n, const char *rel) {
  snprintf(buf, n, "%s/%s", HIPLOAD_DATA_DIR, rel);
  return buf;
}

int tu_require_data(void) {
  struct stat st;
  if (stat(HIPLOAD_DATA_DIR, &st) == 0 && S_ISDIR(st.st_mode)) return 1;
  const char *ci = getenv("CI");
  if (ci && !strcmp(ci, "true"))
    ck_abort_msg("reference data folder %s is missing (CI=true: this is a failure)", HIPLOAD_DATA_DIR);
  fprintf(stderr, "note: %s missing, data-driven test skipped locally\n", HIPLOAD_DATA_DIR);
  return 0;
}

const char *tu_tmpdir(char *buf, size_t n) {
  const char *base = getenv("TMPDIR");
  snprintf(buf, n, "%s/hipload-test-XXXXXX", base && base[0] ? base : "/tmp");
  if (!mkdtemp(buf)) ck_abort_msg("mkdtemp failed");
  return buf;
}

const char *tu_cli(void) {
  const char *p = getenv("HIPLOAD_CLI");
  return p && p[0] ? p : HIPLOAD_BUILD_DIR "/hipload";
}

int tu_run(Suite *s) {
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
