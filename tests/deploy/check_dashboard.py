"""Checks deploy/grafana-dashboard.json: valid JSON, panels with unique ids and queries, and
every tolk_* metric a query (or an alert rule) names is one the server's sources export.
Usage: check_dashboard.py DASHBOARD SOURCE... [RULES.yml]"""
import json
import re
import sys

dashboard_path, *others = sys.argv[1:]
sources = [p for p in others if not p.endswith(".yml")]
rules = [p for p in others if p.endswith(".yml")]

exported = set()
for path in sources:
    text = open(path, encoding="utf-8").read()
    exported |= set(re.findall(r'"(tolk_[a-z0-9_]+)"', text))
    # metrics.cpp writes names without the prefix: c("frames_in_total", ...)
    exported |= {"tolk_" + n for n in re.findall(r'\b(?:c|line)\(\s*(?:out,\s*)?"([a-z0-9_]+)"', text)}
    exported |= set(re.findall(r'(tolk_channel_[a-z_]+)\{', text))

dashboard = json.load(open(dashboard_path, encoding="utf-8"))
problems = []
ids = [p["id"] for p in dashboard["panels"]]
if len(ids) != len(set(ids)):
    problems.append("panel ids are not unique")
used = set()
for panel in dashboard["panels"]:
    if not panel.get("targets"):
        problems.append(f"panel {panel['title']!r} has no query")
    for t in panel.get("targets", []):
        used |= set(re.findall(r"\b(tolk_[a-z0-9_]+)", t["expr"]))
for path in rules:
    used |= set(re.findall(r"\b(tolk_[a-z0-9_]+)", open(path, encoding="utf-8").read()))
for name in sorted(used - exported):
    problems.append(f"{name} is queried but tolk-server does not export it")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"{len(dashboard['panels'])} panels, {len(used)} metrics, all exported")
