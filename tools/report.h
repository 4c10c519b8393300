/* SPDX-License-Identifier: Apache-2.0 */
/* Terminal report of a trial, shared by `hipload run` and `hipload analyze`. */
#ifndef HIPLOAD_TOOLS_REPORT_H
#define HIPLOAD_TOOLS_REPORT_H
#include <stdio.h>

#include "hipload/trial.h"

void hl_print_trial(FILE *f, const hl_trial *t, const hl_model *m, const char *what);
#endif
