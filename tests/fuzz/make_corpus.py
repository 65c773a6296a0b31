#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora (tests/fuzz/corpus/<target>/) from real traffic: Opus packets
of speech encoded by opusenc (espeak-ng speech, or a sox tone without it), wrapped in the audio
frames booths send; the control messages of protocol/PROTOCOL.md; the example event file; the
PASETO v4 test vectors' tokens and a tolk claims message; the request targets and URLs the
server and clients use; masked WebSocket frames as phones send them.  Run once; the seeds are
committed.  Usage: make_corpus.py [CORPUS_DIR [MAKER...]] (makers: audio control event_file
tokens queries ws_frames; default all)."""
import json, os, shutil, struct, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.normpath(os.path.join(here, '..', '..'))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'corpus')


def put(target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    with open(os.path.join(out, target, name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def ogg_packets(data):
    """The packets of an Ogg stream (RFC 3533 lacing), in order."""
    packets, partial, at = [], b'', 0
    while at + 27 <= len(data) and data[at:at + 4] == b'OggS':
        nseg = data[at + 26]
        lacing = data[at + 27:at + 27 + nseg]
        body = at + 27 + nseg
        for lace in lacing:
            partial += data[body:body + lace]
            body += lace
            if lace < 255:
                packets.append(partial)
                partial = b''
        at = body
    return packets


def encode(tmp, framesize):
    wav = os.path.join(tmp, 'speech.wav')
    if shutil.which('espeak-ng'):
        subprocess.run(['espeak-ng', '-w', wav, 'Good morning. The committee meeting is now open.'], check=True)
    else:
        subprocess.run(['sox', '-n', '-r', '48000', '-c', '1', wav, 'synth', '2', 'sine', '440'], check=True)
    opus = os.path.join(tmp, f'speech{framesize}.opus')
    subprocess.run(['opusenc', '--quiet', '--serial', '1', '--bitrate', '32', '--framesize', str(framesize), wav, opus], check=True)
    with open(opus, 'rb') as f:
        return f.read()


def frame(opus, seq, flags=0, channel=2, capture_us=1_764_000_000_000_000, ingress_us=0):
    return struct.pack('>BBHIqqHH', 1, flags, channel, seq, capture_us, ingress_us, len(opus), 0) + opus


def audio(tmp):
    stream20 = encode(tmp, 20)
    packets = ogg_packets(stream20)[2:]  # skip OpusHead, OpusTags
    picks = [packets[0], packets[len(packets) // 3], packets[len(packets) // 2], packets[-1]]
    for i, p in enumerate(picks):
        put('opus_packet', f'speech20ms_{i}', p)
        put('audio_frame', f'booth_frame_{i}', frame(p, 100 + i, flags=1 if i == 0 else 0))
    put('audio_frame', 'server_stamped', frame(picks[1], 7, flags=2, ingress_us=1_764_000_000_020_000))
    p60 = ogg_packets(encode(tmp, 60))[2:]
    put('opus_packet', 'speech60ms', p60[len(p60) // 2])
    put('audio_frame', 'booth_frame_60ms', frame(p60[len(p60) // 2], 9))
    put('ogg_pages', 'opusenc_start', bytes([13]) + stream20[:4096])
    put('ogg_pages', 'opusenc_whole_reads', bytes([96]) + stream20[:2048])


def control():
    messages = {
        'hello': {'type': 'hello', 'client': 'tolk-listen/0.1', 'protocol': 1},
        'hello_token': {'type': 'hello', 'client': 'browser', 'protocol': 1, 'token': 'v4.public.eyJ9'},
        'welcome': {'type': 'welcome', 'session': 's17', 'protocol': 1, 'role': 'booth', 'event': 'Committee day',
                    'server_time_us': 1764000000000000, 'channel': 'fr', 'channel_number': 2},
        'channels': {'type': 'channels', 'event': 'Committee day', 'channels': [
            {'id': 'floor', 'number': 0, 'language': 'mul', 'label': 'Floor / Original', 'on_air': True,
             'listeners': 12, 'clock_offset_us': -5000},
            {'id': 'fr', 'number': 2, 'language': 'fr', 'label': 'Français', 'on_air': False, 'listeners': 3,
             'clock_offset_us': 0}]},
        'subscribe': {'type': 'subscribe', 'channels': ['fr']},
        'unsubscribe': {'type': 'unsubscribe', 'channels': ['fr', 'en']},
        'subscribed': {'type': 'subscribed', 'channels': [{'id': 'fr', 'number': 2, 'language': 'fr',
                                                           'label': 'Français', 'on_air': True}]},
        'on_air': {'type': 'on_air', 'channel': 'es', 'on_air': True, 'clock_offset_us': 99},
        'resync': {'type': 'resync', 'channel': 'en', 'dropped_frames': 12},
        'ping': {'type': 'ping', 't0': 1764000000000000},
        'pong': {'type': 'pong', 't0': 1764000000000000, 't1': 1764000000004000, 't2': 1764000000004100},
        'clock': {'type': 'clock', 'offset_us': -300, 'rtt_us': 900},
        'stats': {'type': 'stats', 'channel': 'en', 'delay_ms': 60, 'target_delay_ms': 80, 'latency_ms': 180,
                  'concealed_ratio': 0.01, 'frames_received': 3000, 'frames_missing': 3, 'interruptions': 1},
        'error': {'type': 'error', 'code': 'channel_taken', 'reason': 'fr has a booth'},
        'handover': {'type': 'handover', 'action': 'request'},
        'cough': {'type': 'cough', 'on': True},
        'source': {'type': 'source', 'source': 'floor'},
        'output': {'type': 'output', 'channel': 'fr'},
        'slow_down': {'type': 'slow_down'},
        'chat': {'type': 'chat', 'to': 'partner', 'text': 'eau, s’il te plaît', 'from': 'Anna', 'from_booth': 'FR',
                 'channel': 'fr'},
        'booth_state': {'type': 'booth_state', 'channel': 'fr', 'booth': 'FR', 'live': True, 'mic': True,
                        'partners': 1, 'handover': 'requested', 'coughing': False, 'both_live': False,
                        'audience': 40, 'outputs': ['fr', 'en'], 'source': 'floor'},
    }
    for name, m in messages.items():
        put('control', name, json.dumps(m, ensure_ascii=False, separators=(',', ':')))
    # The extreme numbers of issue 11 (each refused since the range checks).
    put('control', 'extreme_t0', '{"type":"ping","t0":1e300}')
    put('control', 'extreme_protocol', '{"type":"hello","protocol":4294967297}')
    put('control', 'extreme_delay', '{"type":"stats","channel":"en","delay_ms":1e308}')
    put('control', 'extreme_interruptions', '{"type":"stats","channel":"en","interruptions":18446744073709551615}')
    put('control', 'extreme_nesting', '{"type":"subscribe","channels":' + '[' * 8000 + ']' * 8000 + '}')


def event_file():
    with open(os.path.join(root, 'deploy', 'event.example.toml'), 'rb') as f:
        put('event_file', 'event.example.toml', f.read())
    put('event_file', 'minimal.toml', '[[channels]]\nid = "en"\n')


def tokens():
    with open(os.path.join(root, 'tests', 'auth', 'data', 'paseto-v4.json')) as f:
        vectors = json.load(f)['tests']
    for v in vectors:
        if v.get('token') and v['token'].startswith('v4.'):
            put('token', 'vector_' + v['name'], v['token'])
    claims = {'iss': 'committee day', 'sub': 'FR booth A', 'role': 'booth', 'channels': ['fr', 'floor'],
              'iat': '2026-11-18T08:00:00Z', 'nbf': '2026-11-18T08:00:00Z', 'exp': '2026-11-18T20:00:00Z',
              'jti': '0123456789abcdef0123456789abcdef'}
    put('token', 'claims_booth', json.dumps(claims, separators=(',', ':')))
    claims.update(role='listener', channels=['*'], exp='2026-11-18T20:00:00+01:00')
    put('token', 'claims_listener_offset', json.dumps(claims, separators=(',', ':')) + '\n{"kid":"k4.pid.x"}')


def queries():
    for i, t in enumerate(['/ws/booth?channel=fr', '/ws/listen?channels=en,fr,,es&token=v4.public.eyJ9',
                           '/join?base=https%3A%2F%2Ftolk.venue.example%3A8443&lang=fr+CA',
                           '/api/channels', 'ws://127.0.0.1:8080', 'ws://[::1]:8443/tolk',
                           'ws://tolk.venue.example/tolk/', 'wss://tolk.venue.example']):
        put('query_url', f'seed_{i}', t)


def ws_frame(opcode, payload, fin=True, mask=b'\x12\x34\x56\x78', length=None):
    """A client frame (RFC 6455 5.2), masked; `length` overrides the encoded payload length."""
    n = len(payload) if length is None else length
    head = bytes([(0x80 if fin else 0) | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n <= 0xffff:
        head += bytes([0x80 | 126]) + struct.pack('>H', n)
    else:
        head += bytes([0x80 | 127]) + struct.pack('>Q', n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def ws_frames():
    """Seeds for ws_frame_reader: byte 0 picks the message bound (16 + 64 * b), byte 1 how the
    reads are cut; then what a phone sends after the handshake."""
    def put_ws(name, bound, wire):
        put('ws_frame_reader', name, bytes([bound, 7]) + wire)
    sub = b'{"type":"subscribe","channels":["fr"]}'
    put_ws('text', 4, ws_frame(1, sub))
    put_ws('binary_126', 8, ws_frame(2, bytes(range(256)) * 2))
    put_ws('fragmented', 4, ws_frame(1, sub[:10], fin=False) + ws_frame(9, b'mid') + ws_frame(0, sub[10:20], fin=False)
           + ws_frame(0, sub[20:]))
    put_ws('control', 4, ws_frame(9, b'ping') + ws_frame(10, b'') + ws_frame(8, struct.pack('>H', 1000) + b'bye'))
    put_ws('close_no_code', 4, ws_frame(1, b'{}') + ws_frame(8, b''))
    put_ws('oversized_16', 0, ws_frame(2, b'x' * 200))
    put_ws('oversized_64', 255, ws_frame(2, b'', length=1 << 40))
    put_ws('oversized_64_msb', 255, ws_frame(2, b'', length=(1 << 64) - 1))
    put_ws('fragments_over_bound', 1, ws_frame(2, b'a' * 60, fin=False) + ws_frame(0, b'b' * 60))
    put_ws('control_too_long', 4, ws_frame(9, b'p' * 126))
    put_ws('unmasked', 4, bytes([0x81, 2]) + b'{}')


makers = {'audio': lambda: audio_in_tmp(), 'control': control, 'event_file': event_file, 'tokens': tokens,
          'queries': queries, 'ws_frames': ws_frames}


def audio_in_tmp():
    with tempfile.TemporaryDirectory() as tmp:
        audio(tmp)


for name in sys.argv[2:] or makers:
    makers[name]()
