#!/usr/bin/env python3
"""./tolk bench fanout: the table, the plots and the RESULTS.md section from the JSON reports.

  summarize.py line REPORT.json TAG                 one line for the log
  summarize.py section WORK HERE NS SERVERS DURATION STALL COMMAND   markdown on stdout, WORK/plots.gp
  summarize.py update RESULTS.md SECTION.md         replace the fanout markers' contents
"""
import datetime
import json
import os
import sys

NAMES = {"tolk": "tolk", "tolkbase": "tolk (before)", "tolkhttp": "tolk HTTP Ogg", "ws": "Node ws",
         "icecast": "Icecast 2"}


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def metrics(r):
    a, w = r["active"], r["watched"]
    lat = a["latency"]
    frames = a.get("window_frames", 0)
    measured = r["measured_s"] or 1
    cpu = w["cpu_s"] if w.get("valid") else float("nan")
    n = r["listeners"]
    return {
        "n": n,
        "connected": r["connected"],
        "failed": r["failed"],
        "frames": frames,
        "fps": frames / measured,
        "expected_fps": a["listeners"] * 50.0,
        "missing": a["frames_missing"],
        "closed": a.get("closed_by_server", 0),
        "resyncs": a.get("resyncs", 0),
        "cpu_s": cpu,
        "cpu_pct": 100.0 * cpu / measured,
        "cpu_per_m": cpu / frames * 1e6 if frames else float("nan"),
        "us_per_frame": cpu / frames * 1e6 if frames else float("nan"),
        "rss_kb": w.get("rss_kb_end", 0),
        "rss_per_listener_kb": w.get("rss_kb_end", 0) / n if n else 0,
        "p50": lat["p50_ms"], "p99": lat["p99_ms"], "p999": lat["p999_ms"], "max": lat["max_ms"],
        "load_cpu_pct": 100.0 * (r["cpu"]["user_s"] + r["cpu"]["system_s"]) / max(measured + r.get("ramp_s", 0), 1e-9),
        "stalled": r.get("stalled", {}),
        # HTTP Ogg fleets only (tolk-icecast-load): delay beyond each listener's fastest page
        "a50": a.get("anchored_latency", {}).get("p50_ms", float("nan")),
        "a99": a.get("anchored_latency", {}).get("p99_ms", float("nan")),
    }


def median_metrics(work, s, n):
    """The point's metrics; with REPEAT rounds ({s}-{n}-rK.json), the median of each figure."""
    runs = [load(os.path.join(work, f"{s}-{n}.json"))]
    runs += [load(os.path.join(work, name)) for name in sorted(os.listdir(work))
             if name.startswith(f"{s}-{n}-r") and name.endswith(".json")]
    runs = [metrics(r) for r in runs if r is not None]
    if not runs:
        return None
    m = dict(runs[len(runs) // 2])
    for key, value in m.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            values = sorted(r[key] for r in runs)
            m[key] = values[len(values) // 2] if len(values) % 2 else (values[len(values) // 2 - 1] + values[len(values) // 2]) / 2
    m["rounds"] = len(runs)
    return m


def line(path, tag):
    r = load(path)
    if r is None:
        print(f"{tag}: no report")
        return 1
    m = metrics(r)
    print(f"{tag}: {m['connected']}/{m['n']} connected, {m['fps']:.0f}/{m['expected_fps']:.0f} frames/s, "
          f"missing {m['missing']}, server CPU {m['cpu_pct']:.0f}% ({m['cpu_per_m']:.2f} s per 1M frames), "
          f"RSS {m['rss_kb']/1024:.1f} MB, latency p50 {m['p50']:.2f} p99 {m['p99']:.2f} "
          f"p99.9 {m['p999']:.2f} max {m['max']:.2f} ms, loadgen CPU {m['load_cpu_pct']:.0f}%")
    return 0


def fmt(x, digits=2):
    if x != x:  # nan
        return "–"
    return f"{x:.{digits}f}"


def section(work, here, ns, servers, duration, stall, command):
    ns = [int(n) for n in ns.split()]
    servers = servers.split()
    rows = {}
    for s in servers:
        for n in ns:
            m = median_metrics(work, s, n)
            if m is not None:
                rows[(s, n)] = m
    out = []
    out.append("## Fan-out\n")
    out.append(f"Command: `{command.strip()}` — generated {datetime.date.today().isoformat()}, "
               f"{duration} s measured per point after all listeners connected"
               + (f"; {os.environ['FANOUT_LOAD']} (1, 5, 15 min)" if os.environ.get("FANOUT_LOAD") else "")
               + ".\n")
    out.append("Workload: 4 channels, one `tolk-booth` each (tone, 20 ms Opus frames at 32 kbit/s, 108-byte "
               "tolk frames), N listeners spread round-robin. The server runs on CPU 0 alone "
               "(`taskset -c 0`, tolk with `--io-threads 1`); booths, sources and the load generator "
               "(one thread) on CPU 1. Traffic on 127.0.0.1 only, so every delivered frame costs the "
               "kernel a loopback TCP send and receive on these two cores. Compare the ratios within "
               "one run, not absolute figures across runs.\n")
    out.append("Server CPU: /proc/PID/stat over the measurement window, per 1,000,000 delivered frames "
               "(on loopback this includes the kernel's TCP send path, and part of the receive path, "
               "charged to the sender). RSS: VmRSS at the end divided by N (the whole process, so small "
               "N overstates it); marginal: growth per added listener from the previous N. Latency: "
               "tolk and ws from server ingress (stamped by the server) to the kernel's receive "
               "timestamp on the listener's socket (SO_TIMESTAMPNS, so the load generator's own backlog "
               "is not counted); Icecast from the source writing an Ogg page to the same kernel "
               "timestamp of its arrival (one clock, CLOCK_MONOTONIC). A server that cannot keep up "
               "shows as frames/s below the expected rate (booth frames waiting in the server's "
               "receive buffers are not yet stamped, so latency alone understates it). Loadgen CPU: "
               "share of CPU 1 used by the load generator.\n")
    rounds = max((m.get("rounds", 1) for m in rows.values()), default=1)
    if rounds > 1:
        out.append(f"Each figure below is the median of {rounds} rounds; the rounds ran interleaved, every "
                   "server once per round, so slow minutes on the shared machine touch every server alike.\n")
    out.append("![CPU per delivered frame and p99 latency vs N](fanout/fanout.png)\n")
    out.append("| server | N | connected | frames/s (expected) | missing | server CPU % | CPU s / 1M frames | "
               "RSS MB | KB/listener (marginal) | p50 ms | p99 ms | p99.9 ms | max ms | loadgen CPU % |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    prev = {}
    for n in ns:
        for s in servers:
            m = rows.get((s, n))
            if m is None:
                out.append(f"| {NAMES[s]} | {n} | no result | | | | | | | | | | | |")
                continue
            marginal = "–"
            if s in prev:
                pn, prss = prev[s]
                marginal = fmt((m["rss_kb"] - prss) / (n - pn), 1)
            prev[s] = (n, m["rss_kb"])
            out.append(f"| {NAMES[s]} | {n} | {m['connected']} | {m['fps']:.0f} ({m['expected_fps']:.0f}) | "
                       f"{m['missing']} | {fmt(m['cpu_pct'], 0)} | {fmt(m['cpu_per_m'])} | {m['rss_kb']/1024:.1f} | "
                       f"{fmt(m['rss_per_listener_kb'], 1)} ({marginal}) | {fmt(m['p50'])} | {fmt(m['p99'])} | "
                       f"{fmt(m['p999'])} | {fmt(m['max'])} | {fmt(m['load_cpu_pct'], 0)} |")
    out.append("")
    if "tolk" in servers and "tolkbase" in servers:
        out.append("Ratios, tolk / tolk (before) — this tree against `TOLK_BASELINE_BIN`, same run, same load "
                   "(below 1: this tree cheaper or faster):\n")
        out.append("| N | CPU/frame | p50 | p99 | p99.9 | RSS | frames/s |")
        out.append("|---:|---:|---:|---:|---:|---:|---:|")
        for n in ns:
            t, b = rows.get(("tolk", n)), rows.get(("tolkbase", n))
            if t is None or b is None:
                continue
            def vs(key):
                return fmt(t[key] / b[key], 2) if b[key] else "–"
            out.append(f"| {n} | {vs('cpu_per_m')} | {vs('p50')} | {vs('p99')} | {vs('p999')} | {vs('rss_kb')} | "
                       f"{vs('fps')} |")
        out.append("")
    if "tolk" in servers and ("ws" in servers or "icecast" in servers):
        out.append("Ratios, tolk / baseline (below 1: tolk cheaper or faster):\n")
        out.append("| N | CPU/frame vs Icecast | CPU/frame vs ws | p99 vs Icecast | p99 vs ws | RSS vs Icecast | RSS vs ws |")
        out.append("|---:|---:|---:|---:|---:|---:|---:|")
        for n in ns:
            t = rows.get(("tolk", n))
            if t is None:
                continue
            def ratio(s, key):
                b = rows.get((s, n))
                return fmt(t[key] / b[key], 2) if b and b[key] else "–"
            out.append(f"| {n} | {ratio('icecast', 'cpu_per_m')} | {ratio('ws', 'cpu_per_m')} | "
                       f"{ratio('icecast', 'p99')} | {ratio('ws', 'p99')} | {ratio('icecast', 'rss_kb')} | "
                       f"{ratio('ws', 'rss_kb')} |")
        out.append("")
    if "tolkhttp" in servers:
        out.extend(http_ratios(rows, ns, work))
    st = load(os.path.join(work, f"tolk-{ns[0]}-stall.json"))
    if st is not None and stall not in ("0", ""):
        m = metrics(st)
        base = rows.get(("tolk", ns[0]))
        s = st["stalled"]
        out.append(f"Stalled listeners (tolk, N={ns[0]}, `--stall-fraction {stall}`): {s.get('listeners', 0)} "
                   f"listeners stop reading after their first frame; {s.get('closed_by_server', 0)} of them "
                   f"were closed by the server (4005 after the 5 s stall timeout). The others: p50 "
                   f"{fmt(m['p50'])} ms, p99 {fmt(m['p99'])} ms, p99.9 {fmt(m['p999'])} ms, missing "
                   f"{m['missing']}" + (f" — p99 {fmt(m['p99'] - base['p99'])} ms from the unstalled run "
                   f"({fmt(base['p99'])} ms)." if base else ".") + "\n")
    # plots
    dat = []
    for s in servers:
        path = os.path.join(work, f"{s}.dat")
        with open(path, "w") as f:
            for n in ns:
                m = rows.get((s, n))
                if m:
                    f.write(f"{n} {m['us_per_frame']} {m['p99']}\n")
        dat.append((s, path))
    png = os.path.join(here, "fanout.png")
    plots = ["set terminal png size 1100,420", f"set output '{png}'", "set multiplot layout 1,2",
             "set key top left", "set grid", "set xlabel 'listeners N'", "set logscale y",
             "set ylabel 'server CPU µs per delivered frame (one core)'", "set title 'CPU per listener-frame'"]
    plots.append("plot " + ", ".join(f"'{p}' using 1:2 with linespoints title '{NAMES[s]}'" for s, p in dat))
    plots += ["set ylabel 'p99 delivery latency, ms'", "set title 'p99 latency'"]
    plots.append("plot " + ", ".join(f"'{p}' using 1:3 with linespoints title '{NAMES[s]}'" for s, p in dat))
    plots.append("unset multiplot")
    with open(os.path.join(work, "plots.gp"), "w") as f:
        f.write("\n".join(plots) + "\n")
    notes = os.path.join(here, "notes.md")
    if os.path.exists(notes):
        with open(notes) as f:
            out.append(f.read().rstrip() + "\n")
    print("\n".join(out))


def http_ratios(rows, ns, work):
    """tolk's HTTP Ogg listeners (/stream/ID.ogg) against tolk's WebSocket listeners and Icecast 2's."""
    out = ["Ratios, tolk HTTP Ogg listeners / baseline (the same HTTP fleet, tolk-icecast-load, on "
           "tolk's `/stream/ID.ogg` and on Icecast 2's mounts; below 1: tolk's HTTP egress cheaper or "
           "faster). CPU per delivered frame against both. Latency against Icecast, like for like: both "
           "servers are fed by the same Icecast sources (threads of tolk-icecast-load; on tolk "
           "SOURCE /ingest/ID with a booth token) and a page's latency is the source's write of that "
           "packet -> the listener's read of it (each packet carries its index in its Opus padding); "
           "the anchored figure (a page's delay beyond that listener's fastest page) is shown too. "
           "Against tolk WebSocket: HTTP source-write latency over WebSocket's ingress-stamped one, "
           "not like for like (the HTTP figure also holds the source's TCP hop into the server).\n",
           "| N | CPU/frame vs tolk WS | CPU/frame vs Icecast | p50 vs Icecast | p99 vs Icecast | "
           "anchored p99 vs Icecast | p99 vs tolk WS | tolk HTTP p50 / p99 ms | Icecast p50 / p99 ms | "
           "tolk HTTP / Icecast anchored p99 ms |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    drops = []
    for n in ns:
        h = rows.get(("tolkhttp", n))
        if h is None:
            continue
        for s in ("tolk", "tolkhttp"):
            counters = read_metrics(os.path.join(work, f"{s}-{n}.metrics"))
            if counters:
                drops.append(f"{NAMES[s]} N={n}: " + ", ".join(f"{k} {v:g}" for k, v in counters.items()))
        def ratio(s, key, base_key=None):
            b = rows.get((s, n))
            v = b[base_key or key] if b else 0
            return fmt(h[key] / v, 2) if v and v == v else "–"
        i = rows.get(("icecast", n), {})
        nan = float('nan')
        out.append(f"| {n} | {ratio('tolk', 'cpu_per_m')} | {ratio('icecast', 'cpu_per_m')} | "
                   f"{ratio('icecast', 'p50')} | {ratio('icecast', 'p99')} | {ratio('icecast', 'a99')} | "
                   f"{ratio('tolk', 'p99')} | {fmt(h['p50'])} / {fmt(h['p99'])} | "
                   f"{fmt(i.get('p50', nan))} / {fmt(i.get('p99', nan))} | "
                   f"{fmt(h['a99'])} / {fmt(i.get('a99', nan))} |")
    out.append("")
    if drops:
        out.append("tolk's own counters at the end of each point (`/metrics`): " + "; ".join(drops) + ". A "
                   "listener resynchronised to the live edge skips the dropped audio (a gap in its page "
                   "numbers, which players conceal).\n")
    return out


def read_metrics(path):
    try:
        with open(path) as f:
            return {line.split()[0]: float(line.split()[1]) for line in f if len(line.split()) == 2}
    except OSError:
        return {}


def update(results, section_path, name="fanout"):
    """Replaces the NAME markers' contents (tests/bench/cluster uses its own)."""
    with open(section_path) as f:
        body = f.read().rstrip() + "\n"
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = open(results).read() if os.path.exists(results) else "# Benchmark results\n"
    block = f"{begin}\n{body}{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    with open(results, "w") as f:
        f.write(text)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "line":
        sys.exit(line(sys.argv[2], sys.argv[3]))
    elif mode == "section":
        section(*sys.argv[2:9])
    elif mode == "update":
        update(*sys.argv[2:5])
