/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — hip (knee, ankle) contact forces and muscle contributions in running stance.
 * Umbrella header: includes every public header.
 *
 *   status.h    status codes and error detail          model.h     .osim models, kinematics
 *   storage.h   .sto/.mot/CSV tables                   extloads.h  ExternalLoads XML
 *   signal.h    filter, quintic spline, stance         motion.h    q, q̇, q̈ as OpenSim's tools
 *   invdyn.h    inverse dynamics                       qp.h        the static-optimization QP
 *   muscle.h    muscle force per activation            so.h        static optimization per frame
 *   reaction.h  joint reaction and contributions       groups.h    muscle groups
 *   induced.h   induced contributions (through the ground)
 *   setup.h     OpenSim tool setup files               analysis.h  AnalyzeTool runner
 *   trial.h     one stance end to end + summary        batch.h     many trials, threads
 *   scale.h     uniform model scaling                  sample.h    the embedded sample
 *   plot.h      SVG figures
 */
#ifndef HIPLOAD_HIPLOAD_H
#define HIPLOAD_HIPLOAD_H
#include "hipload/status.h"
#include "hipload/model.h"
#include "hipload/storage.h"
#include "hipload/extloads.h"
#include "hipload/signal.h"
#include "hipload/motion.h"
#include "hipload/invdyn.h"
#include "hipload/qp.h"
#include "hipload/muscle.h"
#include "hipload/so.h"
#include "hipload/reaction.h"
#include "hipload/induced.h"
#include "hipload/groups.h"
#include "hipload/setup.h"
#include "hipload/analysis.h"
#include "hipload/trial.h"
#include "hipload/batch.h"
#include "hipload/scale.h"
#include "hipload/sample.h"
#include "hipload/plot.h"
#endif
