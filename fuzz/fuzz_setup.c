/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the AnalyzeTool setup reader. hl_setup_read takes a path, so each input is
 * written to one temporary file made once per process (the reader only parses; it does not open
 * the files the setup names). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hipload/setup.h"

static char g_path[256];

static int ensure_file(void) {
  if (g_path[0]) return 1;
  const char *tmp = getenv("TMPDIR");
  snprintf(g_path, sizeof g_path, "%s/hl_fuzz_setup_XXXXXX", tmp && *tmp ? tmp : "/tmp");
  int fd = mkstemp(g_path);
  if (fd < 0) {
    g_path[0] = 0;
    return 0;
  }
  close(fd);
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ensure_file()) return 0;
  FILE *f = fopen(g_path, "wb");
  if (!f) return 0;
  if (size && fwrite(data, 1, size, f) != size) {
    fclose(f);
    return 0;
  }
  fclose(f);
  hl_analyze_setup *s = NULL;
  hl_error err;
  hl_tool_kind kind;
  (void)hl_setup_kind(g_path, &kind, &err);
  if (hl_setup_read(g_path, &s, &err) == HL_OK) hl_setup_free(s);
  return 0;
}
