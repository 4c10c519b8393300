#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Wall time of the whole `hipload setup` command on walk-jr (issue 19): process start, setup,
model and force-set parse, reading the kinematics and the GRF, splines, every frame, writing.

    bench/setup_wall.py --bin build/hipload [--bin OTHER/hipload ...] [--runs 30]

Runs the StaticOptimization setup (OpenSim's stopping point, the default; and --exact) and the
JointReaction setup (forces from the OpenSim reference file, so it does not depend on the SO run)
with each binary, interleaved (A B A B ...) so machine load hits both alike, and prints the
minimum and the median wall time per command (ms) and the CPU time (user + sys) of the fastest
run. The machine is shared: compare minima over many runs.
"""
import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("HIPLOAD_DATA_DIR", os.path.join(HERE, "..", "..", "shared", "data"))


def commands(out):
    d = os.path.join(DATA, "walk-jr")
    model = ["--model", os.path.join(d, "subject01_simbody_adjusted_StaticOp.osim")]
    so = ["setup", os.path.join(d, "setup_static_optimization.xml"), "--out", out] + model
    jr = ["setup", os.path.join(d, "setup_JointReaction.xml"), "--out", out] + model + [
        "--forces-file", os.path.join(d, "reference", "subject01_StaticOptimization_force.sto")]
    return [("walk-jr SO (OpenSim stop)", so), ("walk-jr SO --exact", so + ["--exact"]),
            ("walk-jr JR", jr)]


def run_once(binary, args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([binary] + args, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", action="append", required=True)
    ap.add_argument("--runs", type=int, default=30)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cmds = commands(tmp)
        res = {(b, n): [] for b in a.bin for n, _ in cmds}
        for _ in range(a.runs):
            for n, args in cmds:
                for b in a.bin:
                    res[(b, n)].append(run_once(b, args))
        print(f"wall time per command, {a.runs} interleaved runs, load {os.getloadavg()[0]:.2f}")
        print(f"{'command':28s} {'binary':40s} {'min ms':>8s} {'median':>8s} {'cpu@min':>8s}")
        for n, _ in cmds:
            for b in a.bin:
                r = res[(b, n)]
                best = min(r)
                med = statistics.median(w for w, _ in r)
                print(f"{n:28s} {b[-40:]:40s} {best[0]*1e3:8.1f} {med*1e3:8.1f} {best[1]*1e3:8.1f}")


if __name__ == "__main__":
    main()
