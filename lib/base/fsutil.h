/* SPDX-License-Identifier: Apache-2.0 */
/* Small file-system helpers shared inside the library. */
#ifndef HIPLOAD_FSUTIL_H
#define HIPLOAD_FSUTIL_H
#include "hipload/status.h"
/* mkdir -p; HL_ERR_IO names the folder that could not be made. */
hl_status hl__mkdirs(const char *path, hl_error *err);
#endif

/* Output staging, so that an error never leaves a half-written output folder:
 * hl__stage_begin creates `dir` when needed (remembering whether it existed) and an empty
 * hidden folder inside it; the caller writes there; hl__stage_commit moves every file into
 * `dir` (rename, same file system) and removes the staging folder; hl__stage_abort deletes the
 * staging folder with its files, and `dir` too when this call created it. */
typedef struct hl__stage {
  char dir[2048];
  char path[2100];
  int created_dir;
  char first_new[2048]; /* the first folder of dir's path that this stage created */
} hl__stage;
hl_status hl__stage_begin(hl__stage *s, const char *dir, hl_error *err);
hl_status hl__stage_commit(hl__stage *s, hl_error *err);
void hl__stage_abort(hl__stage *s);
/* Rewrite err's file and message so they name the output folder instead of the staging one. */
void hl__stage_fix_error(const hl__stage *s, hl_error *err);
