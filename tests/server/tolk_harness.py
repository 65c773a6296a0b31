"""What the Python server tests share: an event file with a booth token, a tolk-server on
127.0.0.1 port 0, and the smallest audio frame the server accepts.  Imported by the scripts
next to it (ping_hammer.py, fd_exhaustion.py); Debian's python3 with python3-websockets."""
import asyncio
import struct
import subprocess
import tempfile


def audio_frame(seq):
    """A tolk audio frame (protocol/PROTOCOL.md) on channel 0 with sequence `seq`: one CELT
    2.5 ms packet (TOC 0xE0) whose data the server does not decode, only checks."""
    opus = bytes([0xE0]) + struct.pack(">I", seq) * 8
    return struct.pack(">BBHIqqHBB", 1, 0, 0, seq, 0, 0, len(opus), 0, 0) + opus


def event_with_booth_token(binary, event, name, prefix):
    """Writes `event` (TOML text) with an [auth] state folder of its own; returns the file's
    path and a booth token for channel en issued by tolk-server itself, as on a real event."""
    state = tempfile.mkdtemp(prefix=prefix)
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
        f.write(event + f'[auth]\nstate_dir = "{state}"\n')
    token = subprocess.run([binary, "token", "issue", "--config", f.name, "--role", "booth",
                            "--channels", "en", "--name", name, "--ttl", "1h"],
                           check=True, capture_output=True, text=True, timeout=30).stdout.split()[0]
    return f.name, token


async def start_server(binary, config, wrapper=(), stderr=None):
    """tolk-server on 127.0.0.1 port 0 (under `wrapper`, e.g. prlimit); returns the process and
    the address it printed."""
    proc = await asyncio.create_subprocess_exec(
        *wrapper, binary, "--config", config, "--listen", "127.0.0.1:0", "--io-threads", "2",
        "--log-level", "warn", stdout=asyncio.subprocess.PIPE, stderr=stderr)
    line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
    if not line.startswith("listening on "):
        raise SystemExit("tolk-server did not start: " + line)
    return proc, line.split()[-1]
