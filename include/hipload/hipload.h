/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — hip (knee, ankle) contact forces and muscle contributions in running stance.
 * Umbrella header: includes every public header. A function's prefix names its header
 * (hl_frame_* in frame.h, hl_kin_* in kin.h, ...); hl_strerror, hl_version and hl_error_* live in
 * status.h. docs/architecture.md gives the layers and the API contract.
 *
 *   status.h    status codes, errors, warnings         model.h     .osim models (read-only)
 *   kin.h       kinematics workspace, per frame        muscle.h    muscle paths and force curves
 *   force.h     passive forces, actuator lines         table.h     .sto/.mot/CSV tables
 *   extloads.h  ExternalLoads XML                      signal.h    filter, quintic spline, stance
 *   motion.h    q, q̇, q̈ as OpenSim's tools             invdyn.h    inverse dynamics
 *   qp.h        the static-optimization QP             so.h        static optimization per frame
 *   jr.h        joint reaction and contributions       groups.h    muscle groups
 *   frame.h     one frame of the whole pipeline        setup.h     OpenSim tool setup files
 *   analyze.h   AnalyzeTool runner                     idtool.h    InverseDynamicsTool runner
 *   induced.h   induced contributions (through the ground)
 *   trial.h     one stance end to end + summary        batch.h     many trials, threads
 *   sample.h    the embedded sample                    plot.h      SVG figures
 *   wrap.h      wrap surfaces, one segment each        coupler.h   coordinate couplers
 *
 * Thread safety: each header says; in short, models, tables and loads are shared read-only,
 * every workspace belongs to one thread at a time.
 */
#ifndef HIPLOAD_HIPLOAD_H
#define HIPLOAD_HIPLOAD_H
#include "hipload/status.h"
#include "hipload/model.h"
#include "hipload/coupler.h"
#include "hipload/kin.h"
#include "hipload/muscle.h"
#include "hipload/wrap.h"
#include "hipload/force.h"
#include "hipload/table.h"
#include "hipload/extloads.h"
#include "hipload/signal.h"
#include "hipload/motion.h"
#include "hipload/invdyn.h"
#include "hipload/qp.h"
#include "hipload/so.h"
#include "hipload/jr.h"
#include "hipload/induced.h"
#include "hipload/groups.h"
#include "hipload/frame.h"
#include "hipload/setup.h"
#include "hipload/analyze.h"
#include "hipload/idtool.h"
#include "hipload/trial.h"
#include "hipload/batch.h"
#include "hipload/sample.h"
#include "hipload/plot.h"
#endif
