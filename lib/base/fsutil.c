/* SPDX-License-Identifier: Apache-2.0 */
#include "fsutil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

hl_status hl__mkdirs(const char *path, hl_error *err) {
  char buf[4096];
  if (!path || !path[0]) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "empty output folder name");
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0777) && errno != EEXIST)
      return hl_error_set(err, HL_ERR_IO, buf, 0, "cannot create folder: %s", strerror(errno));
    *p = '/';
  }
  if (mkdir(buf, 0777) && errno != EEXIST)
    return hl_error_set(err, HL_ERR_IO, buf, 0, "cannot create folder: %s", strerror(errno));
  struct stat st;
  if (stat(buf, &st) || !S_ISDIR(st.st_mode))
    return hl_error_set(err, HL_ERR_IO, buf, 0, "exists and is not a folder");
  return HL_OK;
}

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

hl_status hl__stage_begin(hl__stage *s, const char *dir, hl_error *err) {
  struct stat st;
  snprintf(s->dir, sizeof s->dir, "%s", dir);
  s->created_dir = stat(dir, &st) != 0;
  /* the first folder of the path that does not exist yet: an abort removes it and all below */
  s->first_new[0] = '\0';
  if (s->created_dir) {
    char buf[sizeof s->dir];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1;; p++) {
      if (*p == '/' || *p == '\0') {
        char c = *p;
        *p = '\0';
        if (stat(buf, &st) != 0) {
          snprintf(s->first_new, sizeof s->first_new, "%s", buf);
          break;
        }
        *p = c;
        if (!c) break;
      }
    }
  }
  hl_status rc = hl__mkdirs(dir, err);
  if (rc) return rc;
  snprintf(s->path, sizeof s->path, "%s/.hipload-partial-XXXXXX", dir);
  if (!mkdtemp(s->path)) {
    if (s->created_dir) rmdir(dir);
    return hl_error_set(err, HL_ERR_IO, dir, 0, "cannot create a staging folder: %s", strerror(errno));
  }
  return HL_OK;
}

/* Apply fn(staged path, final path) to every file of the staging folder. */
static int each_file(hl__stage *s, int commit) {
  DIR *d = opendir(s->path);
  if (!d) return -1;
  int bad = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char from[2400], to[2400];
    snprintf(from, sizeof from, "%s/%s", s->path, e->d_name);
    snprintf(to, sizeof to, "%s/%s", s->dir, e->d_name);
    if (commit) {
      if (rename(from, to)) bad = -1;
    } else {
      unlink(from);
    }
  }
  closedir(d);
  return bad;
}

hl_status hl__stage_commit(hl__stage *s, hl_error *err) {
  if (each_file(s, 1)) {
    hl__stage_abort(s);
    return hl_error_set(err, HL_ERR_IO, s->dir, 0, "cannot move the outputs into place: %s", strerror(errno));
  }
  rmdir(s->path);
  return HL_OK;
}

void hl__stage_abort(hl__stage *s) {
  each_file(s, 0);
  rmdir(s->path);
  if (!s->created_dir) return;
  /* remove the folders this call made, deepest first, up to the first new one */
  char buf[sizeof s->dir];
  snprintf(buf, sizeof buf, "%s", s->dir);
  size_t stop = strlen(s->first_new);
  while (strlen(buf) >= stop && stop > 0) {
    if (rmdir(buf) != 0) break;
    char *slash = strrchr(buf, '/');
    if (!slash || (size_t)(slash - buf) < stop) break;
    *slash = '\0';
  }
}

static void replace_in(char *buf, size_t n, const char *from, const char *to) {
  char *p = strstr(buf, from);
  if (!p || !from[0]) return;
  char tail[4096];
  snprintf(tail, sizeof tail, "%s", p + strlen(from));
  *p = '\0';
  size_t used = strlen(buf);
  snprintf(buf + used, n - used, "%s%s", to, tail);
}

void hl__stage_fix_error(const hl__stage *s, hl_error *err) {
  if (!s || !err) return;
  replace_in(err->file, sizeof err->file, s->path, s->dir);
  replace_in(err->message, sizeof err->message, s->path, s->dir);
}
