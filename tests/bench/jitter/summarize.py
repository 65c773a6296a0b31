#!/usr/bin/env python3
"""Turns the tolk-jbsim JSON reports of a bench run into the markdown section of RESULTS.md
(stdout), gnuplot data files and a gnuplot script (in the work directory).
usage: summarize.py WORK_DIR PLOT.png TRACE..."""
import json
import os
import sys

work, png, traces = sys.argv[1], sys.argv[2], sys.argv[3:]
families = ["tolk", "speex", "fixed"]
profiles = ["listener", "monitor", "return"]
defaults = ["listener", "monitor", "return", "speex:10", "fixed:60"]


def load(trace):
    runs = {}
    for name in os.listdir(work):
        if name.startswith(trace + "__") and name.endswith(".json"):
            with open(os.path.join(work, name)) as f:
                text = f.read().strip()
            if text:
                runs[name[len(trace) + 2:-5]] = json.loads(text)
    return runs


def family(jb):
    name = jb.split(":")[0]
    return "tolk" if name in profiles else name


def dominated(point, others):
    """True if some point in others has <= concealment and lower mean delay (or equal delay
    and strictly lower concealment)."""
    c, d = point["concealed_percent"], point["mean_delay_ms"]
    return any(o["concealed_percent"] <= c + 1e-9 and o["mean_delay_ms"] < d - 0.5 or
               o["concealed_percent"] < c - 1e-9 and o["mean_delay_ms"] <= d
               for o in others)


out = []
out.append("Mean delay: how long played audio waited in the buffer (arrival to playout, WebRTC's "
           "jitterBufferDelay per frame), in ms. Concealed: PLC/FEC share of the played samples. "
           "Int./10 min: interruptions (concealment runs of 150 ms or more) per 10 minutes. "
           "Gaps: concealment runs under 40 ms / 40-150 ms / 150 ms and over. Splices: "
           "time-scaling operations after the first second, and in brackets those of them in "
           "speech (the rest cut or stretch pauses, which nobody hears). Trend: mean delay of the last minute "
           "minus the first minute after a 10 s warm-up (clock drift shows here). tolk's profiles: "
           "`listener` (the default), `monitor`, `return`; baselines at their defaults: "
           "`speex:10` (Mumble's default margin of one 10 ms frame), `fixed:60`.\n")
out.append("| trace | buffer | mean delay | p95 delay | concealed % | int./10 min | gaps | "
           "splices (in speech) | time-scaled % | late frames | drift ppm | trend ms |")
out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
pareto = []
all_runs = {}
for t in traces:
    runs = load(t)
    all_runs[t] = runs
    for jb in defaults:
        r = runs.get(jb)
        if r is None:
            continue
        out.append(f"| {t} | {r['jb']} | {r['mean_delay_ms']:.1f} | {r['p95_delay_ms']:.1f} | "
                   f"{r['concealed_percent']:.3f} | {r['interruptions_per_10min']:.1f} | "
                   f"{r['concealments_under_40ms']}/{r['concealments_40_to_150ms']}/"
                   f"{r['concealments_over_150ms']} | {r['time_scale_operations_after_1s']} "
                   f"({r['speech_splices_after_1s']}) | "
                   f"{r['time_scaled_percent']:.2f} | {r['late_frames']} | {r['drift_ppm']:.0f} | "
                   f"{r['delay_trend_ms']:.1f} |")
    tolk = [r for jb, r in runs.items() if family(jb) == "tolk"]
    for fam in ("speex", "fixed"):
        base = [r for jb, r in runs.items() if family(jb) == fam]
        beaten = sum(1 for b in base if dominated(b, tolk))
        beats_tolk = sum(1 for x in tolk if dominated(x, base))
        pareto.append(f"| {t} | {fam} | {beaten} of {len(base)} | {beats_tolk} of {len(tolk)} |")

out.append("\nPareto check over the knob sweeps (tolk: the three profiles and the listener profile at "
           "quantile 0.8-0.995; speex margin 0-160 ms, "
           "fixed 20-400 ms): how many baseline points some tolk point beats (no more concealment "
           "and lower mean delay), and how many tolk points some baseline point beats.\n")
out.append("| trace | baseline | baseline points beaten by tolk | tolk points beaten by the baseline |")
out.append("|---|---|---:|---:|")
out.extend(pareto)

# The issues' goals, checked on this run's figures.
goals = []


def get(trace, jb):
    return all_runs.get(trace, {}).get(jb)


def verdict(ok):
    return "met" if ok else "MISSED"


st, sp = get("stalls", "listener"), get("stalls", "speex:10")
if st and sp:
    ok = st["interruptions_per_10min"] <= 2 and st["mean_delay_ms"] <= sp["mean_delay_ms"]
    goals.append(f"- `listener` on the recurring-stall Wi-Fi (`stalls`): <= 2 interruptions per 10 min "
                 f"and mean delay no higher than speex:10: {verdict(ok)} "
                 f"({st['interruptions_per_10min']:.1f} per 10 min at {st['mean_delay_ms']:.0f} ms; "
                 f"speex:10 {sp['interruptions_per_10min']:.1f} per 10 min at {sp['mean_delay_ms']:.0f} ms).")
lan = get("lan", "listener")
if lan:
    ok = lan["mean_delay_ms"] <= 20 and lan["interruptions"] == 0
    goals.append(f"- `listener` on LAN: mean delay <= 20 ms, no interruption: {verdict(ok)} "
                 f"({lan['mean_delay_ms']:.1f} ms, {lan['interruptions']} interruptions, "
                 f"{lan['time_scale_operations_after_1s']} splices after the first second).")
ret = get("lan", "return")
if ret:
    goals.append(f"- `return` on LAN: mean delay <= 12 ms: {verdict(ret['mean_delay_ms'] <= 12)} "
                 f"({ret['mean_delay_ms']:.1f} ms).")
for t in traces:
    r = get(t, "return")
    if t.startswith("drift") and r:
        ok = abs(r["delay_trend_ms"]) <= 20 and r["max_target_error_ms"] <= 20
        goals.append(f"- `return` on {t}: within +-20 ms of target for the whole trace: "
                     f"{verdict(ok)} (largest |current - target| after warm-up "
                     f"{r['max_target_error_ms']:.1f} ms, trend {r['delay_trend_ms']:.1f} ms).")
ch = get("chromium", "listener")
if ch:
    goals.append(f"- `listener` on the recorded Chromium trace (issue 18: a perfect network, the "
                 f"browser's own pace; the machine stalled the page a few times): "
                 f"{ch['time_scale_operations_after_1s']} splices after the first second "
                 f"({ch['speech_splices_after_1s']} in speech), "
                 f"{ch['concealment_events']} concealment runs, mean delay {ch['mean_delay_ms']:.1f} ms.")
missed = [line.split(" | ")[0].strip("| ") + " vs " + line.split(" | ")[1]
          for line in pareto if not line.endswith("| 0 of " + line.split(" of ")[-1])]
goals.append("- tolk (profiles and sweep) Pareto-better than speex and fixed on every trace: " +
             ("met." if not missed else "MISSED on " + ", ".join(missed) +
              " (a baseline point beats some tolk point)."))
out.append("\nGoals:\n")
out.extend(goals)

out.append("\nEvery run of the sweep (mean delay ms / concealed %):\n")
out.append("| trace | " + " | ".join(families) + " |")
out.append("|---|---|---|---|")
for t in traces:
    cells = []
    for fam in families:
        pts = sorted((r for jb, r in all_runs[t].items() if family(jb) == fam),
                     key=lambda r: r["mean_delay_ms"])
        cells.append("<br>".join(f"{r['jb']}: {r['mean_delay_ms']:.0f} / {r['concealed_percent']:.2f}"
                                 for r in pts))
    out.append(f"| {t} | " + " | ".join(cells) + " |")
print("\n".join(out))

# gnuplot: one panel per trace, concealment (log) against mean delay, one line per buffer.
gp = [f"set terminal pngcairo size 1800,1350 font ',10'", f"set output '{png}'",
      f"set multiplot layout 3,3 title 'Delay vs concealment (tolk-jbsim, knob sweeps)'",
      "set logscale y", "set yrange [0.001:100]", "set xlabel 'mean delay (ms)'",
      "set ylabel 'concealed % (log)'", "set grid", "set key top right"]
for t in traces:
    plots = []
    for fam in families:
        pts = sorted(((r["mean_delay_ms"], max(r["concealed_percent"], 0.001))
                      for jb, r in all_runs[t].items() if family(jb) == fam))
        path = os.path.join(work, f"{t}_{fam}.dat")
        with open(path, "w") as f:
            f.writelines(f"{d} {c}\n" for d, c in pts)
        plots.append(f"'{path}' using 1:2 with linespoints title '{fam}'")
    gp.append(f"set title '{t}'")
    gp.append("plot " + ", ".join(plots))
gp.append("unset multiplot")
with open(os.path.join(work, "tradeoff.gp"), "w") as f:
    f.write("\n".join(gp) + "\n")
