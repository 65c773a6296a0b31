#!/usr/bin/env python3
"""Replaces the jitter section of RESULTS.md (between <!-- jitter:begin --> and
<!-- jitter:end -->), or appends it.  usage: update_results.py RESULTS.md SECTION.md COMMAND SHORT"""
import datetime
import os
import sys

results, section_file, command, short = sys.argv[1:5]
begin, end = "<!-- jitter:begin -->", "<!-- jitter:end -->"
with open(section_file) as f:
    body = f.read().strip()
note = " (SHORT=1: shortened traces)" if short == "1" else ""
section = (f"{begin}\n## Jitter buffer\n\nCommand: `{command}`{note} — generated "
           f"{datetime.date.today().isoformat()}. Traces: `tolk-jbsim --generate PROFILE --seed 1` "
           f"(lan, wifi, stalls, roaming, bufferbloat, cellular 300 s; drift+250 / drift-250 1800 s), "
           f"10 ms pulls; and `chromium`, recorded in headless Chromium (tests/bench/jitter/traces/README.md: "
           f"36 s, its own 128-sample pulls replayed with `--pulls`); "
           f"built-in speech-like audio, 20 ms Opus frames.\n\n![delay vs concealment](jitter/tradeoff.png)\n\n"
           f"{body}\n{end}")
text = open(results).read() if os.path.exists(results) else "# Benchmark results\n"
if begin in text and end in text:
    text = text[:text.index(begin)] + section + text[text.index(end) + len(end):]
else:
    text = text.rstrip() + "\n\n" + section + "\n"
with open(results, "w") as f:
    f.write(text)
