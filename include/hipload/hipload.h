/* hipload — hip (knee, ankle) contact forces and muscle contributions in running stance.
 * Umbrella header: include this one. */
#ifndef HIPLOAD_HIPLOAD_H
#define HIPLOAD_HIPLOAD_H
#include "hipload/status.h"
#endif
