/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — internal helpers shared by the model loader (osim.c), the model container (model.c)
 * and the function pool (function.c). Not installed. */
#ifndef HIPLOAD_MODEL_INTERNAL_H
#define HIPLOAD_MODEL_INTERNAL_H

#include "hipload/model.h"

/* Spline coefficients b, c, d (n each) for knots x, y (n >= 2), as OpenSim's SimmSpline and
 * NaturalCubicSpline compute them. */
void hl__spline_coeffs(int n, const double *x, const double *y, double *b, double *c, double *d);

/* Allocate an empty model (ground not added). NULL when out of memory. */
hl_model *hl__model_new(void);

/* Append one element of each kind; every array of that kind grows by one (zero-filled, index
 * fields set to -1 where -1 means "none"). Return the new index, or -1 when out of memory. */
int hl__model_add_body(hl_model *m, const char *name);
int hl__model_add_joint(hl_model *m, const char *name);
int hl__model_add_coord(hl_model *m, const char *name);
int hl__model_add_muscle(hl_model *m, const char *name);
int hl__model_add_pathpt(hl_model *m);
int hl__model_add_actuator(hl_model *m, const char *name);
int hl__model_add_limit(hl_model *m, const char *name);
int hl__model_add_wrap(hl_model *m, const char *name, int body);
/* A PathWrap of `muscle` (which must be the last muscle added: entries stay muscle after muscle);
 * pw_wrap is -1 until set. */
int hl__model_add_pathwrap(hl_model *m, int muscle);
int hl__model_add_coupler(hl_model *m, const char *name);

/* Append a function with `ndata` numbers (copied from data when not NULL, zeros otherwise).
 * Splines: pass x[n] then y[n] (2n numbers) and type SIMMSPLINE/NATCUBIC: the coefficients are
 * computed here. Returns the function index or -1 when out of memory. */
int hl__model_add_func(hl_model *m, hl_func_type type, int n, const double *data, int inner,
                       double scale);

/* Append a note (hl_model_note) about element `element` named `name`, read from `file` at `line`;
 * the message is printf-style. Returns 0, or -1 when out of memory. */
int hl__model_add_note(hl_model *m, hl_note_kind kind, const char *code, const char *element,
                       const char *name, const char *file, int line, int force, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 9, 10)))
#endif
    ;

/* Remove the notes from index n0 on that belong to the ForceSet (force = 1); all of them when
 * n0 = 0 (a replace_force_set). */
void hl__model_drop_force_notes(hl_model *m, int n0);

/* Safe bounded copy of a name into an HL_NAME_MAX buffer. */
void hl__copy_name(char *dst, const char *src);

#endif
