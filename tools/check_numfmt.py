#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Numbers leave the library only through lib/base/number.c's C-locale printers.

A printf-family call in lib/ whose format string holds a floating conversion (%f, %g, %e, %a)
prints a decimal comma in a host that called setlocale(LC_ALL, "") under de_DE. Such calls must
use hl__snprintf_c / hl__vsnprintf_c / hl__fprintf_c instead. Calls spanning several lines and
formats split over several string literals are followed to their closing parenthesis.
Usage: check_numfmt.py LIBDIR; exit status 1 and file:line for each offending call."""
import glob
import os
import re
import sys

CALL = re.compile(r'(?<![\w])(printf|fprintf|sprintf|snprintf|vprintf|vfprintf|vsprintf|vsnprintf)\(')
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
FLOAT = re.compile(r'%[-+ 0#\']*[0-9*]*(?:\.[0-9*]*)?(?:l|L)?[fFgGeEaA]')


def call_end(src, i):
    """Index just past the parenthesis closing the call whose argument list starts at i."""
    depth = 1
    while i < len(src) and depth:
        c = src[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < len(src) and src[j] != c:
                j += 2 if src[j] == '\\' else 1
            i = j
        elif c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
        i += 1
    return i


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else 'lib'
    bad = 0
    for path in sorted(glob.glob(os.path.join(root, '**', '*.c'), recursive=True)):
        if os.path.basename(path) == 'number.c':
            continue
        src = open(path, encoding='utf-8', errors='replace').read()
        for m in CALL.finditer(src):
            text = src[m.start():call_end(src, m.end())]
            if FLOAT.search(''.join(LITERAL.findall(text))):
                line = src.count('\n', 0, m.start()) + 1
                print(f'{path}:{line}: {m.group(1)} with a floating conversion: use hl__{m.group(1)}_c '
                      '(lib/base/number.h)')
                bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
