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
