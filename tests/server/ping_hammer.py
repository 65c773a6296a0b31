#!/usr/bin/env python3
"""The ping hammer: a third-party WebSocket client (Python's `websockets`, which validates the
framing of everything it reads) pings a listener's connection as fast as it can while a booth
pours thousands of audio frames into a small receive window. Every frame must arrive intact
and in order, and every ping must be answered once, in order: the server's one writer
interleaves pongs with the audio without ever splitting a frame.

Usage: ping_hammer.py PATH/TO/tolk-server
"""
import asyncio
import json
import os
import socket
import struct
import sys

import websockets
from websockets.frames import Opcode
from websockets.legacy.client import WebSocketClientProtocol

from tolk_harness import audio_frame, event_with_booth_token, start_server

FRAMES = 3000         # 2.5 ms frames: 7.5 s of audio, under the 10 s listener queue (no drops)
IN_FLIGHT = 32        # pings not yet answered, at most (the server counts pongs as control
                      # messages: a peer that pings without ever reading is closed as stalled)
DEADLINE = 120        # seconds for the whole test

EVENT = """
[event]
name = "ping hammer"
[audio]
listener_queue_ms = 10000
[limits]
max_audio_ratio = 100
audio_burst_seconds = 60
listener_send_buffer = 4096
[[channels]]
id = "en"
language = "en"
label = "English"
"""


class Recording(WebSocketClientProtocol):
    """Notes every pong frame as it is read, before the library matches it to a ping."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pongs = []

    async def read_frame(self, max_size):
        frame = await super().read_frame(max_size)
        if frame.opcode == Opcode.PONG:
            self.pongs.append(bytes(frame.data))
        return frame


def small_window_socket(address):
    host, port = address.rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: the window
    s.connect((host, int(port)))
    s.setblocking(False)
    return s


async def hammer(ws, stop):
    """Pings until stopped, at most IN_FLIGHT unanswered; returns the payloads sent."""
    sent, waiting = [], []
    while not stop.is_set():
        payload = struct.pack(">I", len(sent))
        waiting.append(await ws.ping(payload))
        sent.append(payload)
        if len(waiting) >= IN_FLIGHT:
            await waiting.pop(0)
    for w in waiting:
        await w
    return sent


async def listen(ws, on_air):
    """Reads until FRAMES audio frames came; checks each one. Returns how many texts came."""
    expected, texts = 0, 0
    while expected < FRAMES:
        message = await ws.recv()
        if isinstance(message, str):
            texts += 1
            parsed = json.loads(message)  # every text message is whole JSON
            if parsed.get("type") == "subscribed":
                on_air.set()
            continue
        seq = struct.unpack(">I", message[4:8])[0]
        if seq != expected:
            raise AssertionError(f"frame {seq} arrived where {expected} was due")
        if message[28:] != audio_frame(seq)[28:]:  # the Opus packet the booth sent
            raise AssertionError(f"frame {seq} arrived damaged")
        expected += 1
        if expected % 300 == 0:
            await asyncio.sleep(0.05)  # let the window fill up now and then
    return texts


async def booth(address, on_air, token):
    await on_air.wait()
    async with websockets.connect(f"ws://{address}/ws/booth?channel=en",
                                  extra_headers={"Authorization": "Bearer " + token}) as ws:
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome", welcome
        for seq in range(FRAMES):
            await ws.send(audio_frame(seq))
        await ws.ping()  # everything sent has been read by the server
        await asyncio.sleep(0)


async def run(binary):
    # The booth publishes with a booth token, as on any real event.
    config, token = event_with_booth_token(binary, EVENT, "ping hammer", "tolk-hammer-")
    proc, address = await start_server(binary, config)
    try:
        sock = small_window_socket(address)
        async with websockets.connect(f"ws://{address}/ws/listen?channels=en", sock=sock,
                                      create_protocol=Recording, max_queue=4,
                                      ping_interval=None) as ws:
            on_air, stop = asyncio.Event(), asyncio.Event()
            pinging = asyncio.create_task(hammer(ws, stop))
            publishing = asyncio.create_task(booth(address, on_air, token))
            texts = await listen(ws, on_air)
            stop.set()
            sent = await pinging
            await publishing
            assert ws.pongs == sent, (
                f"{len(sent)} pings, {len(ws.pongs)} pongs; first difference at "
                f"{next(i for i, (a, b) in enumerate(zip(ws.pongs + [None], sent)) if a != b)}")
            print(f"ping hammer: {FRAMES} frames intact and in order, {len(sent)} pings answered "
                  f"in order, {texts} text messages")
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 10)
        os.unlink(config)
    if proc.returncode not in (0, -15):
        raise SystemExit(f"tolk-server exited with {proc.returncode}")


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(run(sys.argv[1]), DEADLINE))
