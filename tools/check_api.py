#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The public API's shape, checked (docs/architecture.md, "The API contract"):
  1. every function declared in include/hipload/*.h is marked HL_API and lives in the header its
     prefix names (hl_<header>_*; status.h also holds hl_strerror, hl_version, hl_error_*);
  2. with a shared library given: its exported symbols (nm -D --defined-only) are exactly those
     functions — nothing internal (hl__*), no data blobs, nothing missing.
usage: check_api.py INCLUDE_DIR [libhipload.so]     exit 0 when both hold"""
import glob, os, re, subprocess, sys

def declarations(path):
    src = open(path).read()
    src = re.sub(r'/\*.*?\*/', ' ', src, flags=re.S)
    src = re.sub(r'^\s*#.*$', ' ', src, flags=re.M)
    src = re.sub(r'static\s+inline[^{;]*\{[^}]*\}', ' ', src)
    out = []
    for m in re.finditer(r'(^|[;{}])\s*((?:HL_API\s+)?[A-Za-z_][\w\s\*]*?)\b(hl_\w+)\s*\(', src):
        head = m.group(2)
        if 'typedef' in head or re.search(r'\breturn\b', head): continue
        out.append((m.group(3), 'HL_API' in head))
    return out

def main():
    inc = sys.argv[1]
    errors, declared = [], set()
    for h in sorted(glob.glob(os.path.join(inc, 'hipload', '*.h'))):
        base = os.path.basename(h)[:-2]
        for name, marked in declarations(h):
            declared.add(name)
            if not marked: errors.append('%s: %s is not marked HL_API' % (h, name))
            ok = name.startswith('hl_%s_' % base) or (base == 'status' and (name in ('hl_strerror', 'hl_version') or name.startswith('hl_error_')))
            if not ok: errors.append('%s: %s does not carry the prefix hl_%s_' % (h, name, base))
    if len(sys.argv) > 2:
        nm = subprocess.run(['nm', '-D', '--defined-only', sys.argv[2]], capture_output=True, text=True, check=True).stdout
        exported = set()
        for line in nm.splitlines():
            f = line.split()
            if len(f) >= 3 and f[1] not in ('w', 'v', 'U'): exported.add(f[2].split('@')[0])
        for s in sorted(exported - declared): errors.append('%s exports %s, which no header declares' % (sys.argv[2], s))
        for s in sorted(declared - exported): errors.append('%s does not export %s' % (sys.argv[2], s))
        print('%d functions declared, %d symbols exported' % (len(declared), len(exported)))
    for e in errors: print(e)
    return 1 if errors else 0

sys.exit(main())
