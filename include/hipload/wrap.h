/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — wrap surfaces: one straight path segment against one wrap object.
 *
 * Everything here works in the wrap object's own frame (cylinder axis = z through the origin,
 * sphere and ellipsoid centred at the origin, torus centre circle in z = 0), in metres. The path
 * level — which segment of a muscle wraps, several wraps on one path, active flags, ranges,
 * lengths and moment arms — is lib/kin/muscle_path.c's (see docs/wrapping.md).
 *
 * Semantics are OpenSim 4.6's WrapCylinder, WrapSphere, WrapEllipsoid and WrapTorus (read for
 * their behaviour; this is our own code):
 *  - the result codes are OpenSim's WrapAction: no wrap, an end point inside the surface,
 *    wrapped (the segment may wrap; the path keeps the one that lengthens it least), mandatory
 *    (the straight segment passes through the surface: this one must wrap);
 *  - a quadrant (axis, sign) restricts the wrap to the side where that coordinate has that sign;
 *  - a cylinder on a path with one PathWrap (single = 1) places its tangent points with
 *    OpenSim's apex-plane heuristic; with several PathWraps it then corrects them towards
 *    tangency (0.1°, steps of 1.5×, at most 100 restarts) as OpenSim does;
 *  - exact = 1 (cylinders): the tangent points of the exact shortest path instead (the closed
 *    form of the unrolled cylinder), on the side OpenSim would choose.
 * Nothing allocates; every function is safe to call from any thread.
 */
#ifndef HIPLOAD_WRAP_H
#define HIPLOAD_WRAP_H

#include "hipload/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Result codes (OpenSim's WrapAction). */
enum {
  HL_WRAPC_NONE = 0,
  HL_WRAPC_INSIDE = 1,
  HL_WRAPC_WRAPPED = 2,
  HL_WRAPC_MANDATORY = 3
};

/* Events worth reporting (hl_wrap_seg.events, and per muscle in hl_data.mus_wrap_events). */
enum {
  HL_WRAPEV_INSIDE = 1u << 0,   /* an end point inside the surface: that segment does not wrap */
  HL_WRAPEV_CAPS = 1u << 1,     /* both cylinder tangent points beyond the caps: no wrap */
  HL_WRAPEV_LONG = 1u << 2,     /* wrapped the long way round (quadrant forced) */
  HL_WRAPEV_NOCONV = 1u << 3,   /* several wraps on a path: passes stopped before 0.5 mm */
  HL_WRAPEV_DEGENERATE = 1u << 4, /* the wrapping plane is undefined (segment through a
                                     sphere's centre); a fixed plane was used */
  HL_WRAPEV_ABORTED = 1u << 5,  /* a PathWrap range holds no active point: OpenSim stops
                                   wrapping the whole path */
  HL_WRAPEV_COINCIDENT = 1u << 6 /* two consecutive path points coincide (no direction) */
};

/* One wrap object as the segment test needs it. */
typedef struct hl_wrap_geom {
  int type;        /* hl_wrap_type (model.h) */
  double dim[3];   /* as model->wrap_dim */
  int axis, sign;  /* quadrant: axis 0..2 and sign ±1, or axis -1 / sign 0 for "all" */
  int method;      /* hl_wrap_method (ellipsoids) */
  int single;      /* the path has exactly one PathWrap (OpenSim counts them, active or not) */
  int exact;       /* cylinders: exact shortest path instead of OpenSim's placement */
} hl_wrap_geom;

typedef struct hl_wrap_seg {
  int code;        /* HL_WRAPC_* */
  int ok;          /* 1 when the segment wraps: r1, r2 and len are set */
  double r1[3];    /* tangent point on the side of p1, wrap frame */
  double r2[3];    /* tangent point on the side of p2 */
  double len;      /* length over the surface from r1 to r2 */
  unsigned events; /* HL_WRAPEV_* */
} hl_wrap_seg;

/* Segment p1 → p2 (wrap frame) against the object. */
HL_API void hl_wrap_segment(const hl_wrap_geom *g, const double p1[3], const double p2[3],
                     hl_wrap_seg *out);

/* The shapes one by one (hl_wrap_segment dispatches to them). */
HL_API void hl_wrap_cylinder(const hl_wrap_geom *g, const double p1[3], const double p2[3],
                      hl_wrap_seg *out);
HL_API void hl_wrap_sphere(const hl_wrap_geom *g, const double p1[3], const double p2[3],
                    hl_wrap_seg *out);
HL_API void hl_wrap_ellipsoid(const hl_wrap_geom *g, const double p1[3], const double p2[3],
                       hl_wrap_seg *out);
HL_API void hl_wrap_torus(const hl_wrap_geom *g, const double p1[3], const double p2[3],
                   hl_wrap_seg *out);

#ifdef __cplusplus
}
#endif
#endif
