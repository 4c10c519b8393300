/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — OpenSim ExternalLoads XML: which columns of a GRF file act on which body.
 *
 * Each ExternalForce names the body it is applied to, the frames its force and point are
 * expressed in, and the column prefixes (identifiers) of force, point and torque in its data
 * file. The file is applied as written, including odd assignments (walk-jr applies the left
 * foot's torque to calcn_r; the reference output was made that way).
 *
 * Thread safety: reentrant; loaded loads are only read by the pipeline and may be shared.
 */
#ifndef HIPLOAD_EXTLOADS_H
#define HIPLOAD_EXTLOADS_H

#include "hipload/status.h"
#include "hipload/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_extforce {
  char name[64];
  char applied_to_body[64];
  char force_expressed_in_body[64];
  char point_expressed_in_body[64];
  char force_identifier[64];   /* as written, e.g. "ground_force_v" */
  char point_identifier[64];
  char torque_identifier[64];  /* "" when none */
  int force_col[3];            /* column indices in the data table (x,y,z), -1 when missing */
  int point_col[3];
  int torque_col[3];
  int line;                    /* line of the <ExternalForce> element in the XML */
  int body_line[3];            /* lines of applied_to_body, force_expressed_in_body,
                                  point_expressed_in_body (the element's line when absent) */
} hl_extforce;

typedef struct hl_extloads {
  int nforce;
  hl_extforce *force;
  char source[1024];           /* the ExternalLoads XML (its path, or the name given to
                                  hl_extloads_load_memory): errors about its elements name it */
  char datafile[1024];         /* resolved path of the data file */
  hl_table *data;              /* the data file, owned */
  double lowpass_cutoff;       /* lowpass_cutoff_frequency_for_load_kinematics (Hz, ≤0 = off) */
  double *spline_m;            /* ncol*nrow (column-major): second derivatives of the natural cubic
                                  interpolating spline of every data column, as OpenSim's
                                  ExternalForce builds (GCVSpline of degree 3, error variance 0);
                                  NULL when the file has fewer than 4 rows (then: linear) */
} hl_extloads;

/* Parse the XML and load its data file (relative to the XML's folder; `\` accepted).
 * `datafile_override` (may be NULL) replaces the file named in the XML. */
HL_API hl_status hl_extloads_load(const char *xml_path, const char *datafile_override, hl_extloads **out,
                                  hl_error *err);
/* The same from an in-memory XML and an already loaded data table (ownership of `data` passes
 * to the result, also on error). */
HL_API hl_status hl_extloads_load_memory(const char *xml, size_t len, const char *name, hl_table *data,
                                         hl_extloads **out, hl_error *err);
HL_API void hl_extloads_free(hl_extloads *x);

/* HL_ERR_RANGE naming the data file and the ExternalLoads XML when the data's time span does not
 * cover [t0, t1] (1e-9 s slack): outside its rows a load is held at the first or last row's
 * value, a force the subject never produced. `hipload setup` and every trial make this check
 * (the setup unless told to keep OpenSim's lenient behaviour). */
HL_API hl_status hl_extloads_check_window(const hl_extloads *x, double t0, double t1, hl_error *err);

/* Force (N), point (m) and torque (N·m) of force i at time tm, in the frames the XML names (the
 * caller transforms them with the model): interpolated by natural cubic splines through the data
 * rows as OpenSim does (linearly when the file has fewer than 4 rows); outside the data the first or
 * last row's value. */
HL_API void hl_extloads_eval(const hl_extloads *x, int i, double tm, double force[3], double point[3],
                             double torque[3]);

#ifdef __cplusplus
}
#endif
#endif
