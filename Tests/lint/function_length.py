#!/usr/bin/env python3
"""Reports every Swift function longer than the house limit (60 lines), and fails when there is one.

A long function does several steps at once; the rule is to split it by step, so that each part can be read,
named and tested alone. Measured: each `func`, `init`, `deinit`, `subscript` and computed `var`, from the line of
its keyword to the line of its closing brace. Braces inside comments and string literals (multi-line and raw ones
too) are not counted; an interpolation inside a string is code and is.
Usage: function_length.py [--max N] [--report] [ROOT]   (ROOT defaults to the repository's Sources; --report
lists the long functions but exits 0)
"""
import os
import re
import sys

from swift_source import strip

HEAD = re.compile(
    r"(?<![.\w])(?:(?P<type>struct|class|enum|protocol|actor|extension)\s+(?!func\b|var\b|let\b|subscript\b)"
    r"(?P<tname>[\w.]+)|func\s+(?P<fname>[^\s(<]+)|(?P<init>init|deinit|subscript)\b"
    r"|var\s+(?P<vname>\w+)\s*:[^=\n{]*\{)")
# A signature goes on after a line break when the line ends or the next one begins with one of these.
CONTINUES_AFTER = re.compile(r"(?:,|->|&|:|\bwhere)\s*$")
CONTINUES_BEFORE = re.compile(r"^\s*(?:->|where\b|throws\b|rethrows\b|async\b|\{|&|,|\.)")


def body_start(code, i):
    """Index of the `{` that opens the body of the declaration whose signature starts at `i`, or None when it has
    none (a protocol's requirement)."""
    depth = angles = 0
    while i < len(code):
        c = code[i]
        if c in "([":
            depth += 1
        elif c in ")]":
            depth = max(depth - 1, 0)
        elif c == "<" and (code[i - 1].isalnum() or code[i - 1] == "_") and code[i + 1] not in "<=":
            angles += 1  # a generic's `<`, not an operator (`..<`, `<<`, `a < b`)
        elif c == ">" and angles and code[i - 1] != "-":
            angles -= 1
        elif depth == 0 and angles == 0 and c == "{":
            return i
        elif depth == 0 and angles == 0 and c in "};=":
            return None
        elif depth == 0 and angles == 0 and c == "\n":
            line_start = code.rfind("\n", 0, i) + 1
            next_end = code.find("\n", i + 1)
            next_line = code[i + 1 : next_end if next_end >= 0 else len(code)]
            if not (CONTINUES_AFTER.search(code[line_start:i]) or CONTINUES_BEFORE.match(next_line)):
                return None
        i += 1
    return None


def long_functions(path, limit):
    """[(line, name, length)] of the functions in `path` longer than `limit` lines."""
    with open(path, encoding="utf-8") as f:
        code = strip(f.read())
    closing, stack = {}, []
    for i, c in enumerate(code):
        if c == "{":
            stack.append(i)
        elif c == "}" and stack:
            closing[stack.pop()] = i
    types, found = [], []  # types: (body start, body end, name)
    for m in HEAD.finditer(code):
        opening = code.find("{", m.start()) if m.group("vname") else body_start(code, m.end())
        if opening is None or opening not in closing:
            continue
        if m.group("type"):
            types.append((opening, closing[opening], m.group("tname")))
            continue
        owner = [name for start, end, name in types if start < m.start() < end]
        name = m.group("fname") or m.group("init") or m.group("vname")
        first, last = code.count("\n", 0, m.start()) + 1, code.count("\n", 0, closing[opening]) + 1
        if last - first + 1 > limit:
            found.append((first, ".".join(owner[-1:] + [name]), last - first + 1))
    return found


def main(argv):
    limit, report, roots = 60, False, []
    args = iter(argv)
    for arg in args:
        if arg == "--max":
            limit = int(next(args))
        elif arg == "--report":
            report = True
        else:
            roots.append(arg)
    root = roots[0] if roots else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Sources")
    paths = [root] if os.path.isfile(root) else sorted(
        os.path.join(d, name) for d, _, names in os.walk(root) for name in names if name.endswith(".swift"))
    count = 0
    for path in paths:
        for line, name, length in long_functions(path, limit):
            count += 1
            print(f"{os.path.relpath(path)}:{line}: {name} is {length} lines (max {limit})")
    if count and not report:
        print(f"{count} function(s) over {limit} lines; split them by step", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
