/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — OpenSim's InverseDynamicsTool, from its setup file.
 *
 * Thread safety: reentrant (each call has its own model, data and workspaces).
 */
#ifndef HIPLOAD_IDTOOL_H
#define HIPLOAD_IDTOOL_H

#include "hipload/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Run an OpenSim InverseDynamicsTool setup file: model_file, coordinates_file, external_loads_file,
 * lowpass_cutoff_frequency_for_coordinates, time_range, coordinates_in_degrees (used only when the
 * coordinates file does not say), results_directory, output_gen_force_file. Paths are relative to
 * the setup file; `\` is read as `/`. out_dir_override (may be NULL) replaces results_directory.
 * Writes <results>/<output_gen_force_file>(.sto) atomically with OpenSim's header. Muscles are
 * always excluded (forces_to_exclude is not read); other model forces are not applied.
 * Errors: HL_ERR_IO (unreadable setup, results directory not creatable), HL_ERR_PARSE (not XML, no
 * <InverseDynamicsTool>, no <model_file>/<coordinates_file>, bad numbers — err has file:line), and
 * whatever loading the model, coordinates and loads returns. */
HL_API hl_status hl_idtool_run(const char *setup_xml, const char *out_dir_override, hl_error *err);

#ifdef __cplusplus
}
#endif
#endif
