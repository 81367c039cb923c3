#!/usr/bin/env python3
"""Draws the graph of folders inside each target from the sources, and fails on a cycle.

A folder uses another when one of its files names a top-level type, function or constant declared there, or
extends one. Targets are kept acyclic by the compiler; folders inside a target only by this check (`make lint`).
Usage: folder_graph.py [--print] [ROOT]   (ROOT defaults to the repository's Sources)
"""
import os
import re
import sys
from collections import defaultdict

from swift_source import strip

DECL = re.compile(
    r"^(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|package|final|indirect|nonisolated)\s+)*"
    r"(?:struct|class|enum|protocol|actor|typealias|func|let|var)\s+`?(\w+)")
EXTENSION = re.compile(r"^(?:(?:public|private|fileprivate|internal|package)\s+)*extension\s+(\w+)")
WORD = re.compile(r"\b[A-Za-z_]\w*\b")


def folders(root):
    """{target: {folder: [paths]}}; a file directly in the target is in folder "."."""
    out = defaultdict(lambda: defaultdict(list))
    for target in sorted(os.listdir(root)):
        base = os.path.join(root, target)
        if not os.path.isdir(base):
            continue
        for dirpath, _, files in os.walk(base):
            for name in files:
                if name.endswith(".swift"):
                    rel = os.path.relpath(dirpath, base)
                    out[target][rel.split(os.sep)[0]].append(os.path.join(dirpath, name))
    return out


def graph(target_folders):
    """Edges folder → {used folder: set of names} of one target."""
    declared = {}
    code = {}
    for folder, paths in target_folders.items():
        for path in paths:
            with open(path, encoding="utf-8") as f:
                text = strip(f.read())
            code[path] = (folder, text)
            for line in text.splitlines():
                m = DECL.match(line)
                if m:
                    declared.setdefault(m.group(1), folder)
    edges = defaultdict(lambda: defaultdict(set))
    for path, (folder, text) in code.items():
        for word in set(WORD.findall(text)):
            owner = declared.get(word)
            if owner is not None and owner != folder:
                edges[folder][owner].add(word)
        for line in text.splitlines():
            m = EXTENSION.match(line)
            if m and declared.get(m.group(1), folder) != folder:
                edges[folder][declared[m.group(1)]].add("extension " + m.group(1))
    return edges


def cycles(nodes, edges):
    """Strongly connected components of more than one folder (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def self_test():
    """The check finds a cycle made on purpose (names in comments and strings do not count) and passes without."""
    import tempfile

    def tree(files):
        root = tempfile.mkdtemp()
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
                f.write(text)
        return root

    cyclic = tree({"T/A/A.swift": "struct A { let b: B }", "T/B/B.swift": 'struct B { func f() { _ = "\\(A.self)" } }'})
    acyclic = tree({"T/A/A.swift": "struct A { let b: B }", "T/B/B.swift": 'struct B { /* A */ let s = "A" }'})
    for root, want in ((cyclic, 1), (acyclic, 0)):
        found = sum(len(cycles(fs.keys(), graph(fs))) for fs in folders(root).values())
        if found != want:
            print(f"self-test: {found} cycle(s) in {root}, expected {want}", file=sys.stderr)
            return 1
    return 0


def main(argv):
    if "--self-test" in argv:
        return self_test()
    show = "--print" in argv
    args = [a for a in argv if not a.startswith("--")]
    root = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "..", "Sources")
    failed = 0
    for target, target_folders in folders(root).items():
        edges = graph(target_folders)
        if show and len(target_folders) > 1:
            print(f"{target}:")
            for folder in sorted(target_folders):
                used = sorted(edges.get(folder, {}))
                print(f"  {folder} -> {', '.join(used) if used else '(nothing)'}")
        for comp in cycles(target_folders.keys(), edges):
            failed += 1
            print(f"folder cycle in {target}: {' <-> '.join(comp)}", file=sys.stderr)
            for a in comp:
                for b in comp:
                    if b in edges.get(a, {}):
                        names = sorted(edges[a][b])
                        more = f" (+{len(names) - 6})" if len(names) > 6 else ""
                        print(f"  {a} -> {b}: {', '.join(names[:6])}{more}", file=sys.stderr)
    if failed:
        print(f"{failed} folder cycle(s); a folder may only use folders that do not use it back", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
