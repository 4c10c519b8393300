#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reduce the run-hamner2010 right stance to the embedded sample that `hipload run` analyses.

Reads from the shared data folder (default ../shared/data/run-hamner2010) and writes lib/sample/:
  hamner2010_s02.osim      the RRA-adjusted subject02 model (OpenSim 4.0 format) without
                           visual geometry, markers and comments, with the residual and reserve
                           actuators of Actuators_CMC.xml merged into its ForceSet (converted
                           from their legacy Force/Torque/GeneralizedForce form the way OpenSim
                           4.x converts them: see lib/sample/README.md)
  hamner2010_s02_q.sto     RRA kinematics, 1.055-1.397 s (right stance 1.105-1.347 s +- 50 ms)
  hamner2010_s02_grf.mot   ground reaction forces, same window
  hamner2010_s02_grf.xml   the ExternalLoads file naming it
Run it again to regenerate; the output is deterministic. Standard library only.
"""
import argparse
import os
import sys
import xml.etree.ElementTree as ET

T0, T1 = 1.055, 1.397
DROP = {"attached_geometry", "FrameGeometry", "Appearance", "MarkerSet", "ContactGeometrySet",
        "VisibleObject", "defaults", "WrapObjectSet_unused"}


def strip(elem):
    for child in list(elem):
        if child.tag in DROP:
            elem.remove(child)
        else:
            strip(child)


def vec(text):
    return [float(x) for x in text.split()]


def fmt(v):
    return " ".join(repr(float(x)) for x in v)


def legacy_actuators(path):
    """Convert a pre-1.9.5 ActuatorSet (Force/Torque/GeneralizedForce) to OpenSim 4 elements."""
    root = ET.parse(path).getroot()
    objs = root.find("objects")
    out = []
    for a in objs:
        name = a.get("name")
        get = lambda tag, d="": (a.findtext(tag) or d).strip()
        if a.tag == "GeneralizedForce":
            e = ET.Element("CoordinateActuator", name=name)
            ET.SubElement(e, "coordinate").text = get("coordinate")
            ET.SubElement(e, "optimal_force").text = get("optimal_force", "1")
        elif a.tag == "Force":
            # PointActuator: body_B -> body, point_B -> point, direction = -direction_A, global force
            e = ET.Element("PointActuator", name=name)
            ET.SubElement(e, "body").text = get("body_B")
            ET.SubElement(e, "point").text = fmt(vec(get("point_B", "0 0 0")))
            ET.SubElement(e, "point_is_global").text = "false"
            ET.SubElement(e, "direction").text = fmt([-x for x in vec(get("direction_A", "1 0 0"))])
            ET.SubElement(e, "force_is_global").text = "true"
            ET.SubElement(e, "optimal_force").text = get("optimal_force", "1")
        elif a.tag == "Torque":
            # TorqueActuator: body_B -> bodyA, body_A -> bodyB, axis = -direction_A, global axis
            e = ET.Element("TorqueActuator", name=name)
            ET.SubElement(e, "bodyA").text = get("body_B")
            ET.SubElement(e, "bodyB").text = get("body_A")
            ET.SubElement(e, "torque_is_global").text = "true"
            ET.SubElement(e, "axis").text = fmt([-x for x in vec(get("direction_A", "1 0 0"))])
            ET.SubElement(e, "optimal_force").text = get("optimal_force", "1")
        else:
            sys.exit(f"{path}: unexpected actuator <{a.tag}>")
        ET.SubElement(e, "min_control").text = "-Inf"
        ET.SubElement(e, "max_control").text = "Inf"
        out.append(e)
    return out


def window(src, dst, t0, t1):
    with open(src) as f:
        lines = f.read().splitlines()
    end = next(i for i, l in enumerate(lines) if l.strip().lower() == "endheader")
    labels = lines[end + 1]
    rows = [l for l in lines[end + 2:] if l.strip() and t0 - 1e-9 <= float(l.split()[0]) <= t1 + 1e-9]
    header = []
    for l in lines[:end]:
        l = l.rstrip("\t ")
        if l.startswith("nRows="):
            l = f"nRows={len(rows)}"
        header.append(l)
    with open(dst, "w") as f:
        f.write("\n".join(header + ["endheader", labels.rstrip("\t ")] +
                          ["\t".join(r.split()) for r in rows]) + "\n")
    return len(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data", "run-hamner2010"))
    ap.add_argument("--out", default=os.path.join(here, "..", "lib", "sample"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)

    tree = ET.parse(os.path.join(a.data, "reference", "subject02_RRA_Adjusted.osim"))
    root = tree.getroot()
    strip(root)
    model = root.find("Model")
    model.set("name", "hamner2010_subject02")
    forces = model.find("ForceSet").find("objects")
    have = {e.get("name") for e in forces}
    for e in legacy_actuators(os.path.join(a.data, "Actuators_CMC.xml")):
        if e.get("name") not in have:
            forces.append(e)
    ET.indent(tree, space=" ")
    tree.write(os.path.join(a.out, "hamner2010_s02.osim"), encoding="UTF-8", xml_declaration=True)

    nq = window(os.path.join(a.data, "reference", "rra_run_1_Kinematics_q.sto"),
                os.path.join(a.out, "hamner2010_s02_q.sto"), T0, T1)
    ng = window(os.path.join(a.data, "subject02_grf_HiFreq.mot"),
                os.path.join(a.out, "hamner2010_s02_grf.mot"), T0, T1)

    x = ET.parse(os.path.join(a.data, "subject02_grf_HiFreq.xml"))
    x.getroot().find("ExternalLoads").find("datafile").text = "hamner2010_s02_grf.mot"
    for e in x.iter():
        e.tail = None if e.tail and not e.tail.strip() else e.tail
        e.text = e.text if e.text and e.text.strip() else None
    ET.indent(x, space=" ")
    x.write(os.path.join(a.out, "hamner2010_s02_grf.xml"), encoding="UTF-8", xml_declaration=True)
    print(f"kinematics rows {nq}, GRF rows {ng}; wrote {a.out}")


if __name__ == "__main__":
    main()
