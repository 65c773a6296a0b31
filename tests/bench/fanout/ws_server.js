// The baseline a team would write first: a Node.js broadcast server on the `ws` package,
// speaking enough of tolk's protocol (protocol/PROTOCOL.md) for tolk-booth and tolk-loadgen:
// booths on /ws/booth?channel=ID, listeners on /ws/listen with `subscribe`.  Like tolk it
// stamps ingress_us (CLOCK_MONOTONIC µs, the clock tolk-loadgen reads) and the channel number
// into the frame header, then sends the same Buffer to every subscriber.  No validation,
// no queue bounds: the simplest correct fan-out.
//   node ws_server.js PORT [CHANNELS=floor,en,fr,es]
'use strict';
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || 8090);
const ids = (process.argv[3] || 'floor,en,fr,es').split(',');
const channels = ids.map((id, number) => ({ id, number, language: id, label: id, on_air: false,
                                            listeners: 0, clock_offset_us: 0, subs: new Set() }));
const info = (c) => ({ id: c.id, number: c.number, language: c.language, label: c.label,
                       on_air: c.on_air, listeners: c.subs.size, clock_offset_us: 0 });
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
let sessions = 0;

const wss = new WebSocketServer({ port, host: '127.0.0.1', perMessageDeflate: false, backlog: 4096 });
wss.on('connection', (ws, req) => {
  const url = new URL(req.url, 'http://x');
  const session = String(++sessions);
  ws.on('error', () => {});
  if (url.pathname === '/ws/booth') {
    const ch = channels.find((c) => c.id === url.searchParams.get('channel'));
    if (!ch) return ws.close(4002, 'unknown channel');
    ch.on_air = true;
    ws.send(JSON.stringify({ type: 'welcome', session, protocol: 1, role: 'booth', event: 'bench',
                             server_time_us: nowUs(), channel: ch.id, channel_number: ch.number }));
    ws.on('message', (data, isBinary) => {
      if (!isBinary || data.length < 28) return;
      data.writeUInt16BE(ch.number, 2);
      data.writeBigInt64BE(BigInt(nowUs()), 16);
      for (const l of ch.subs) l.send(data, { binary: true });
    });
    ws.on('close', () => { ch.on_air = false; });
    return;
  }
  const mine = new Set();
  ws.send(JSON.stringify({ type: 'welcome', session, protocol: 1, role: 'listener', event: 'bench',
                           server_time_us: nowUs() }));
  ws.send(JSON.stringify({ type: 'channels', event: 'bench', channels: channels.map(info) }));
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let m;
    try { m = JSON.parse(data); } catch { return; }
    if (m.type === 'subscribe' || m.type === 'unsubscribe') {
      for (const id of m.channels || []) {
        const ch = channels.find((c) => c.id === id);
        if (!ch) continue;
        if (m.type === 'subscribe') { ch.subs.add(ws); mine.add(ch); } else { ch.subs.delete(ws); mine.delete(ch); }
      }
      ws.send(JSON.stringify({ type: 'subscribed', channels: [...mine].map(info) }));
    } else if (m.type === 'ping') {
      const t = nowUs();
      ws.send(JSON.stringify({ type: 'pong', t0: m.t0, t1: t, t2: t }));
    }
  });
  ws.on('close', () => { for (const ch of mine) ch.subs.delete(ws); });
});
wss.on('listening', () => console.log(`listening on 127.0.0.1:${port}`));
