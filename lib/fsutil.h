/* Small file-system helpers shared inside the library. */
#ifndef HIPLOAD_FSUTIL_H
#define HIPLOAD_FSUTIL_H
#include "hipload/status.h"
/* mkdir -p; HL_ERR_IO names the folder that could not be made. */
hl_status hl__mkdirs(const char *path, hl_error *err);
#endif
