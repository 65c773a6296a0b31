#!/usr/bin/env python3
"""Installs the build into a temporary prefix and runs what deploy/tolk.service runs.

    install_test.py --cmake CMAKE --build BUILD_DIR --service deploy/tolk.service --app BUILT_INDEX_HTML|none

Checks: bin/ holds exactly the programs a venue runs; the service's ExecStart program is there;
the installed tolk-server, started on 127.0.0.1 port 0 without --web-root, prints
`listening on HOST:PORT` and serves at / the very index.html the build made (the phone app),
and its app.js; SIGTERM stops it.  Every wait is bounded.
"""
import argparse
import os
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROGRAMS = {"tolk-server", "tolk-booth", "tolk-listen"}


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def exec_start(service, prefix):
    """The ExecStart command of the unit, /opt/tolk rewritten to the test's prefix."""
    for line in Path(service).read_text().splitlines():
        if line.startswith("ExecStart="):
            return line.split("=", 1)[1].replace("/opt/tolk", str(prefix)).split()
    fail(f"{service}: no ExecStart")


def first_line(proc, timeout):
    """The server's first stdout line, or fail after `timeout` seconds."""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    buf = b""
    end = time.monotonic() + timeout
    while b"\n" not in buf:
        left = end - time.monotonic()
        if left <= 0 or not sel.select(left):
            fail(f"no line from tolk-server within {timeout} s (got {buf!r})")
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            fail(f"tolk-server exited ({proc.wait(5)}) before printing its address; stderr: {proc.stderr.read()!r}")
        buf += chunk
    return buf.split(b"\n", 1)[0].decode()


def get(url):
    with urllib.request.urlopen(url, timeout=10) as res:
        return res.status, res.headers.get("Content-Type", ""), res.read()


def check_layout(prefix, service, app):
    installed = {p.name for p in (prefix / "bin").iterdir()}
    if installed != PROGRAMS:
        fail(f"bin/ holds {sorted(installed)}, expected {sorted(PROGRAMS)}")
    program = Path(exec_start(service, prefix)[0])
    if not os.access(program, os.X_OK):
        fail(f"deploy/tolk.service runs {program}, which the install did not lay out")
    web = prefix / "share/tolk/web"
    if app and not (web / "index.html").is_file():
        fail(f"no phone app in {web}")


def serve_and_fetch(prefix, app):
    server = subprocess.Popen([prefix / "bin/tolk-server", "--listen", "127.0.0.1:0", "--log-level", "warn"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        line = first_line(server, 10)
        m = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)", line)
        if not m:
            fail(f"first line was {line!r}")
        base = f"http://127.0.0.1:{m.group(1)}"
        status, ctype, body = get(base + "/")
        if status != 200 or not ctype.startswith("text/html"):
            fail(f"GET / answered {status} {ctype}")
        if app:
            if body != app.read_bytes():
                fail(f"GET / is not the phone app's index.html ({len(body)} bytes: {body[:120]!r})")
            status, ctype, js = get(base + "/app.js")
            if status != 200 or "javascript" not in ctype or not js:
                fail(f"GET /app.js answered {status} {ctype}, {len(js)} bytes")
        print(f"installed tolk-server on port {m.group(1)} served / ({len(body)} bytes)")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            fail("tolk-server did not stop within 10 s of SIGTERM")
    if code != 0:
        fail(f"tolk-server exited {code} on SIGTERM; stderr: {server.stderr.read()!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cmake", default="cmake")
    ap.add_argument("--build", required=True)
    ap.add_argument("--service", required=True)
    ap.add_argument("--app", required=True, help="the built index.html, or none (TOLK_WEB=OFF)")
    args = ap.parse_args()
    app = None if args.app == "none" else Path(args.app)
    with tempfile.TemporaryDirectory(prefix="tolk-install-") as tmp:
        prefix = Path(tmp) / "opt-tolk"
        run = subprocess.run([args.cmake, "--install", args.build, "--prefix", prefix],
                             capture_output=True, text=True, timeout=120)
        if run.returncode != 0:
            fail(f"cmake --install failed:\n{run.stdout}{run.stderr}")
        check_layout(prefix, args.service, app)
        serve_and_fetch(prefix, app)
    print("ok")


if __name__ == "__main__":
    main()
