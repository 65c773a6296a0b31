// The technician's console: /ws/tech pushes the server's whole view four times a second; this
// page draws it: a tile per channel (state, booth, level meter, loudness, alarm badges,
// listeners, a sparkline of the listeners' concealment and latency), the alarm list, the
// event log and the server's figures.  Clicking a tile listens in.  Away from the server's own
// machine the console needs a technician's login: when /api/tech answers 401 or 403 it shows
// the login form (POST /api/login sets the HttpOnly cookie that /api/tech and /ws/tech read).
import uPlot from 'uplot';
import { pickLanguage, t } from './i18n.js';
import { listenIn, stopListening } from './listen_in.js';

const $ = (id) => document.getElementById(id);
const store = (() => { try { return window.localStorage; } catch { return null; } })();
let lang = pickLanguage(new URLSearchParams(location.search).get('lang') || store?.getItem('tolk-tech-lang'), navigator.languages || []);
let last = null;
let listening = null;
const HISTORY = 240;  // one minute of pushes
const history = new Map();  // channel id -> {t: [], concealing: [], latency: []}
const tiles = new Map();    // channel id -> {el, plot}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v, digits = 1, unit = '') => (v === null || v === undefined ? '—' : `${Number(v).toFixed(digits)}${unit}`);
const clock = (ms) => new Date(ms).toLocaleTimeString(lang, { hour12: false });

function applyLanguage() {
  document.documentElement.lang = lang;
  $('lang').value = lang;
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(lang, el.dataset.t);
  for (const [, tile] of tiles) tile.el.remove();
  tiles.clear();
  if (last) draw(last);
}

function remember(c, at) {
  let h = history.get(c.id);
  if (!h) history.set(c.id, (h = { t: [], concealing: [], latency: [] }));
  h.t.push(at / 1000);
  h.concealing.push(c.heard.reporting ? c.heard.concealed_share * 100 : null);
  h.latency.push(c.heard.latency_ms_p50);
  if (h.t.length > HISTORY) for (const k of ['t', 'concealing', 'latency']) h[k].shift();
  return h;
}

function makeTile(c, index) {
  const el = document.createElement('article');
  el.className = 'tile';
  el.dataset.channel = c.id;
  el.innerHTML = `<h3><span>${esc(c.label)} <small>${esc(c.id)}</small></span><span class="state"></span></h3>
    <div class="meter"><div class="rms"></div><div class="peak"></div></div>
    <div class="badges"></div><div class="figures"></div><div class="spark"></div>`;
  el.addEventListener('click', () => toggleListen(c.id, index));
  const plot = new uPlot({ width: 250, height: 60, legend: { show: false }, cursor: { show: false },
    axes: [{ show: false }, { show: false, scale: '%' }, { show: false, scale: 'ms' }],
    scales: { x: { time: false }, '%': { range: [0, 100] }, ms: { auto: true } },
    series: [{}, { stroke: '#ff5d5d', scale: '%', width: 1 }, { stroke: '#6cb6ff', scale: 'ms', width: 1 }] },
  [[], [], []], el.querySelector('.spark'));
  $('tiles').appendChild(el);
  return { el, plot };
}

async function toggleListen(id, number) {
  if (listening === id) { listening = null; stopListening(); } else {
    listening = id;
    const c = last?.channels.find((x) => x.id === id);
    await listenIn({ id, number: c ? last.channels.indexOf(c) : number });
  }
  if (last) draw(last);
}

function drawTile(c, index, at) {
  let tile = tiles.get(c.id);
  if (!tile) tiles.set(c.id, (tile = makeTile(c, index)));
  const { el, plot } = tile;
  el.classList.toggle('alarm', c.alarms.length > 0);
  el.classList.toggle('listening', listening === c.id);
  const state = el.querySelector('.state');
  state.textContent = c.on_air ? t(lang, 'onAir') : t(lang, 'offAir');
  state.classList.toggle('on', c.on_air);
  const pct = (db) => Math.max(0, Math.min(100, (db + 60) / 60 * 100));
  el.querySelector('.rms').style.width = `${pct(c.audio.rms_dbfs)}%`;
  el.querySelector('.peak').style.left = `${pct(c.audio.peak_dbfs)}%`;
  el.querySelector('.meter').classList.toggle('hot', c.audio.peak_dbfs > -1);
  el.querySelector('.badges').innerHTML = c.alarms.map((k) => `<span class="badge" data-kind="${esc(k)}">${esc(t(lang, `kind_${k}`))}</span>`).join('') +
    (c.recorded ? `<span class="badge ok">● ${esc(t(lang, 'recording'))}</span>` : '');
  // Several nodes: a booth connected to another node is shown with that node's figures
  // (figures_from), and each node's listeners with their own percentiles (not merged).
  const onNode = (node) => (node ? ` @ ${node}` : '');
  const booth = c.on_air ? `${c.booth_name || c.booth}${c.figures_from ? ` (${t(lang, 'fromNode')} ${c.figures_from})` : ''}` : '—';
  const f = [
    [t(lang, 'booth'), booth], [t(lang, 'listeners'), c.listeners],
    ['dBFS', `${fmt(c.audio.rms_dbfs)} / ${fmt(c.audio.peak_dbfs)}`],
    [t(lang, 'loudness'), fmt(c.audio.short_term_lufs, 1, ' LUFS')], [t(lang, 'integrated'), fmt(c.audio.integrated_lufs, 1, ' LUFS')],
    [t(lang, 'bandwidth'), c.audio.bandwidth_hz ? fmt(c.audio.bandwidth_hz / 1000, 1, ' kHz') : '—'],
    [t(lang, 'bitrate'), fmt(c.audio.bitrate_bps / 1000, 0, ' kb/s')], [t(lang, 'silence'), fmt(c.audio.silence_seconds, 0, ' s')],
    [t(lang, 'jitter'), c.on_air ? fmt(c.link.jitter_ms, 1, ' ms') : '—'],
    ...[c.heard, ...(c.heard_elsewhere || [])].flatMap((h) => [
      [`${t(lang, 'reporting')}${onNode(h.node)}`, h.reporting], [`${t(lang, 'latency')}${onNode(h.node)}`, fmt(h.latency_ms_p50, 0, ' ms')],
      [`${t(lang, 'concealing')}${onNode(h.node)}`, fmt(h.concealed_share * 100, 0, ' %')]]),
  ];
  el.querySelector('.figures').innerHTML = f.map(([k, v]) => `<span>${esc(k)}</span><b>${esc(v)}</b>`).join('');
  el.title = listening === c.id ? t(lang, 'listening') : t(lang, 'listenIn');
  const h = remember(c, at);
  plot.setData([h.t, h.concealing, h.latency]);
}

function draw(st) {
  last = st;
  $('event').textContent = st.event;
  st.channels.forEach((c, i) => drawTile(c, i, st.at_ms));
  $('alarms').innerHTML = st.alarms.length
    ? st.alarms.map((a) => `<li data-kind="${esc(a.kind)}" data-channel="${esc(a.channel)}"><time>${clock(a.raised_ms)}</time>${esc(a.text)}</li>`).join('')
    : `<li class="empty">${esc(t(lang, 'noAlarms'))}</li>`;
  $('events').innerHTML = st.events.slice().reverse().map((e) =>
    `<li class="${esc(e.kind)}"><time>${clock(e.at_ms)}</time>${e.channel ? `<b>${esc(e.channel)}</b> ` : ''}${esc(e.text)}</li>`).join('');
  const s = st.server;
  const rows = [[t(lang, 'cpu'), fmt(s.cpu_ratio * 100, 0, ' %')], [t(lang, 'memory'), fmt(s.memory_bytes / 1048576, 0, ' MiB')],
    [t(lang, 'connections'), s.connections], [t(lang, 'framesIn'), fmt(s.frames_in_per_s, 0)], [t(lang, 'framesOut'), fmt(s.frames_out_per_s, 0)],
    [t(lang, 'dropped'), s.frames_dropped], [t(lang, 'resyncs'), s.listener_resyncs],
    [t(lang, 'recording'), st.recording.enabled ? st.recording.state : '—']];
  $('server').innerHTML = rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('');
}

// Whether this browser may see the console (this machine, or a login cookie).
async function allowed() {
  try {
    const r = await fetch('/api/tech', { cache: 'no-store' });
    return r.status !== 401 && r.status !== 403;
  } catch {
    return true;  // the server is away: the WebSocket retries
  }
}

function showLogin(error) {
  $('login').hidden = false;
  document.querySelector('main').hidden = true;
  $('login-error').hidden = !error;
  $('login-error').textContent = error ? t(lang, error) : '';
  $('login-name').focus();
}

async function login(e) {
  e.preventDefault();
  let r;
  try {
    r = await fetch('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: $('login-name').value, password: $('login-password').value }) });
  } catch {
    showLogin('busy');
    return;
  }
  $('login-password').value = '';
  if (!r.ok) { showLogin((await r.json().catch(() => ({}))).error || 'wrong_password'); return; }
  $('login').hidden = true;
  document.querySelector('main').hidden = false;
  $('logout').hidden = false;
  connect();
}

async function logout() {
  await fetch('/api/logout', { method: 'POST' }).catch(() => {});
  location.reload();
}

async function connect() {
  if (!(await allowed())) { showLogin(null); return; }
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/tech`);
  ws.onopen = () => { $('link').textContent = t(lang, 'live'); $('link').className = 'badge ok'; };
  ws.onmessage = (e) => draw(JSON.parse(e.data));
  ws.onclose = () => {
    $('link').textContent = t(lang, 'offline'); $('link').className = 'badge';
    setTimeout(connect, 1000);
  };
}

$('login').addEventListener('submit', login);
$('logout').addEventListener('click', logout);
$('lang').addEventListener('change', () => { lang = $('lang').value; store?.setItem('tolk-tech-lang', lang); applyLanguage(); });
applyLanguage();
connect();
