// The listener app's parts that need no browser: the wasm audio core as the page uses it
// (frames parsed by protocol/'s parser, statistics read by name through the layout the module
// exports), the production bundle free of test hooks, and the stream routing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { webRoot, testAppRoot } from './harness.mjs';

const src = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../clients/web/listen/src');
const { AudioCore, statsLayout, profileNames, APP_PROFILE } = await import(path.join(src, 'audio_core.js'));
const { DropoutTrack } = await import(path.join(src, 'dropouts.js'));
const { channelLabel } = await import(path.join(src, 'i18n.js'));
const { StreamRouter } = await import(path.join(src, 'streams.js'));
const { statsMessage } = await import(path.join(src, 'stats_upload.js'));
const appRoot = path.join(webRoot, 'listen');

// A wire frame (protocol/PROTOCOL.md): 28-byte big-endian header, then the Opus packet.
function frame({ version = 1, flags = 0, channel = 7, sequence = 0, captureUs = 0, payload = [0xf8, 0xff, 0xfe], reserved = 0,
  declared = payload.length } = {}) {
  const b = new Uint8Array(28 + payload.length);
  const v = new DataView(b.buffer);
  v.setUint8(0, version);
  v.setUint8(1, flags);
  v.setUint16(2, channel);
  v.setUint32(4, sequence);
  v.setBigInt64(8, BigInt(captureUs));
  v.setUint16(24, declared);
  v.setUint8(26, reserved);
  b.set(payload, 28);
  return b;
}

const core = new AudioCore(fs.readFileSync(path.join(appRoot, 'tolk_audio.wasm')));

test('statistics: one layout, named by the wasm module, holding every field the app reads', () => {
  const layout = statsLayout(core.x);
  const names = layout.fields.map((f) => f.name);
  assert.equal(new Set(names).size, names.length, 'no field named twice');
  for (const f of layout.fields) assert.ok(f.offset >= 0 && f.offset + 8 <= layout.size, `${f.name} inside the struct`);
  assert.equal(new Set(layout.fields.map((f) => f.offset)).size, names.length, 'no two fields at one offset');
  // What the stats upload and the details view read.
  const upload = statsMessage('x', Object.fromEntries(names.map((n) => [n, 1])), 10);
  for (const [k, v] of Object.entries(upload)) assert.ok(!Number.isNaN(v), `upload field ${k} from named stats`);
  for (const n of ['frames_received', 'frames_missing', 'samples_played', 'concealed_samples', 'interruptions',
    'current_delay_ms', 'target_delay_ms', 'time_scale_operations', 'concealments_under_40ms', 'concealments_40_to_150ms',
    'concealments_over_150ms']) assert.ok(names.includes(n), `stats have ${n}`);
  for (const n of ['time_scale_operations', 'concealments_under_40ms', 'concealments_40_to_150ms', 'concealments_over_150ms']) {
    assert.equal(upload[n], 1, `the stats upload carries ${n}`);
  }
});

test('playout profiles: the names codec/ defines, the app asks for "listener"', () => {
  const header = fs.readFileSync(path.resolve(src, '../../../../codec/playout_profile.hpp'), 'utf8');
  const declared = header.match(/profile_names\{([^}]*)\}/)[1].match(/"[^"]+"/g).map((q) => q.slice(1, -1));
  assert.deepEqual(profileNames(core.x), declared);
  assert.equal(APP_PROFILE, 'listener');
  for (const name of declared) core.destroy(core.create(name));
  assert.throws(() => core.create('studio'), /unknown playout profile "studio"/);
});

test('frames: parsed by protocol/ (channel routing, and what the wire format refuses)', () => {
  const h7 = core.create();
  const h8 = core.create();
  const route = (ch) => ({ 7: h7, 8: h8 }[ch]);
  try {
    assert.equal(core.push(frame({ channel: 7, sequence: 1 }), 1000, route), 7);
    assert.equal(core.push(frame({ channel: 7, sequence: 2, flags: 0x02 }), 21000, route), 7, 'end of segment is a known flag');
    assert.equal(core.push(frame({ channel: 9 }), 1000, route), 9, 'a channel nobody hears parses and is dropped');
    const refused = {
      'wrong version': frame({ version: 2 }),
      'reserved byte set': frame({ reserved: 1 }),
      'unknown flag': frame({ flags: 0x80 }),
      'declared longer than present': frame({ declared: 4 }),
      'trailing bytes': frame({ declared: 2 }),
      'empty payload': frame({ payload: [] }),
      'shorter than the header': frame().subarray(0, 27),
    };
    for (const [what, bytes] of Object.entries(refused)) assert.equal(core.push(bytes, 1000, route), -1, what);
    for (const [what, bytes] of Object.entries(refused)) assert.equal(core.header(bytes), null, what);
    assert.deepEqual(core.header(frame({ channel: 7, sequence: 4000000000, captureUs: 1764400000123456 })),
      { channel: 7, sequence: 4000000000, captureUs: 1764400000123456 }, 'the header as protocol/ reads it');
    assert.equal(core.stats(h7).frames_received, 2, 'both frames of channel 7 reached its buffer');
    assert.equal(core.stats(h8).frames_received, 0, 'nothing reached channel 8');
  } finally {
    core.destroy(h7);
    core.destroy(h8);
  }
});

test('test hooks: only in the test build', () => {
  const hooks = /window\.tolk|nowebcodecs|"capture"|nosw/;
  for (const f of ['app.js', 'worklet.js']) {
    assert.doesNotMatch(fs.readFileSync(path.join(appRoot, f), 'utf8'), hooks, `production ${f}`);
  }
  assert.match(fs.readFileSync(path.join(testAppRoot, 'app.js'), 'utf8'), hooks, 'the test build has them (the check can fail)');
  for (const root of [appRoot, testAppRoot]) {
    for (const f of ['app.js', 'worklet.js']) {
      assert.doesNotMatch(fs.readFileSync(path.join(root, f), 'utf8'), /TOLK_TEST_HOOKS/, `${root}/${f}: the switch is resolved at build time`);
    }
  }
});

test('stream routing: a language switch keeps the old channel until the new one plays', () => {
  const app = { playing: true, selected: 'es', floorGain: 0, channels: [
    { id: 'floor', number: 1, language: 'mul', on_air: true }, { id: 'en', number: 2, language: 'en', on_air: true },
    { id: 'es', number: 3, language: 'es', on_air: true }] };
  const router = new StreamRouter();
  assert.deepEqual(router.streams(app), [{ channel: 3, gain: 1 }]);
  assert.deepEqual(router.subscriptionMessages(app, router.streams(app)), [{ type: 'subscribe', channels: ['es'] }]);
  app.selected = 'en';
  const switching = router.streams(app);
  assert.deepEqual(switching, [{ channel: 2, gain: 1 }, { channel: 3, gain: 1, retireWhen: 2 }]);
  assert.deepEqual(router.subscriptionMessages(app, switching), [{ type: 'subscribe', channels: ['en'] }]);
  router.retired(3);
  const after = router.streams(app);
  assert.deepEqual(after, [{ channel: 2, gain: 1 }]);
  assert.deepEqual(router.subscriptionMessages(app, after), [{ type: 'unsubscribe', channels: ['es'] }]);
  app.channels[1].on_air = false;
  app.floorGain = 0.3;
  assert.deepEqual(router.streams(app), [{ channel: 1, gain: 1 }], 'off air: the floor instead, once');
  app.playing = false;
  assert.deepEqual(router.streams(app), []);
});

test('stats upload: raw clock figures and the profile ride along, unknowns are marked', () => {
  const st = { current_delay_ms: 20.4, target_delay_ms: 19.6, samples_played: 0, concealed_samples: 0 };
  const m = statsMessage('es', st, null, { profile: 'listener', offsetUs: -1795903802076.8, rttUs: 700.2 });
  assert.equal(m.profile, 'listener');
  assert.equal(m.clock_offset_us, -1795903802077);
  assert.equal(m.rtt_us, 700);
  assert.equal(m.latency_ms, -1);
  const bare = statsMessage('es', st, 12);
  assert.equal(bare.rtt_us, -1);
  assert.ok(!('clock_offset_us' in bare) && !('profile' in bare), 'unknown: left out');
});

test('dropouts in the last minutes: carried across buffers, forgotten after the window', () => {
  const track = new DropoutTrack(60000, 1000);
  const st = (long, short) => ({ concealments_over_150ms: long, concealments_40_to_150ms: short });
  assert.equal(track.counts(), null);
  track.update(0, 'a', st(0, 0));
  track.update(10000, 'a', st(2, 1));
  assert.deepEqual(track.counts(), { long: 2, short: 1 });
  track.update(20000, 'b', st(1, 0));  // a new buffer starts from zero: the earlier ones still count
  assert.deepEqual(track.counts(), { long: 3, short: 1 });
  track.update(75000, 'b', st(1, 0));  // the first two dropouts are older than a minute now
  assert.deepEqual(track.counts(), { long: 1, short: 0 });
  track.update(130000, 'b', st(1, 0));
  assert.deepEqual(track.counts(), { long: 0, short: 0 });
});

test("channel labels: the event's label for the page's language, else its own", () => {
  const floor = { id: 'floor', label: 'Floor / original', labels: { fr: 'Salle / original', es: 'Sala / original' } };
  assert.equal(channelLabel(floor, 'fr'), 'Salle / original');
  assert.equal(channelLabel(floor, 'es'), 'Sala / original');
  assert.equal(channelLabel(floor, 'en'), 'Floor / original');
  assert.equal(channelLabel({ id: 'de', label: 'Deutsch' }, 'fr'), 'Deutsch', 'no labels: the plain label');
});
