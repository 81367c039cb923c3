#!/usr/bin/env python3
"""Writes agent/downtime-report.sh into the collector's source, which serves it at /install/downtime-report.sh."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
script = (root / "agent/downtime-report.sh").read_text()
assert '"""#' not in script and "\\#" not in script, "the script would end the raw string literal"
# The line break before a closing \"\"\" is not part of a Swift string, hence the extra one.
(root / "Sources/CollectorCore/Admin/ReporterScript.swift").write_text(
    "// Generated from agent/downtime-report.sh by `make reporter-embed`; AdminPagesTests checks it is the same.\n\n"
    "/// The shell reporter, served at `GET /install/downtime-report.sh` for a device to fetch from its collector.\n"
    "enum ReporterScript {\n"
    '    static let text = #"""\n' + script + '\n"""#\n}\n')
