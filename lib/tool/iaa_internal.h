/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — the InducedAccelerations runner (lib/tool/iaa.c) that hl_analyze_run hands a setup with
 * that analysis to. Not installed. */
#ifndef HIPLOAD_IAA_INTERNAL_H
#define HIPLOAD_IAA_INTERNAL_H

#include "hipload/analyze.h"

/* Run the InducedAccelerations analysis of setup s (s->has_ia) and write OpenSim's files. The
 * report gets the frames and files; rep must not be NULL. */
hl_status hl__iaa_run(const hl_analyze_setup *s, const hl_analyze_options *o,
                      hl_analyze_report *rep, hl_error *err);

/* analysis.c: append path to the report's files. */
hl_status hl__analyze_add_file(hl_analyze_report *rep, const char *path, hl_error *err);

#endif
