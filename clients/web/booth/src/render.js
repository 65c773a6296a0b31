// Draws the console from its state (main.js owns it): the big ON AIR / OFF / COUGH state,
// banners, the handover and A/B buttons, the source and its input quality, the ear-protection
// warning.  Reads the state, writes the DOM; nothing else.  Main thread only.
import { translate } from './i18n.js';
import { floorOf } from './return_feed.js';

const $ = (id) => document.getElementById(id);
const setText = (el, text) => { if (el.textContent !== text) el.textContent = text; };
const show = (el, on) => { el.hidden = !on; };

export function channelName(c) { return c?.label || c?.id || ''; }

// 'live', 'cough', 'off', 'error' (both live) and its words.
export function airState(app) {
  const s = app.boothState;
  if (app.link?.state !== 'on') return { cls: 'off', key: 'off' };
  if (s?.both_live) return { cls: 'error', key: 'bothLive' };
  const live = s ? s.live : true;  // a lone console before its first booth_state: it is the booth
  if (live && (app.coughHeld || s?.coughing)) return { cls: 'cough', key: 'cough' };
  if (live) return { cls: 'live', key: 'onAir' };
  return { cls: 'off', key: 'off' };
}

export function render(app) {
  const t = (k, v) => translate(app.lang, k, v);
  document.documentElement.lang = app.lang;
  for (const el of document.querySelectorAll('[data-t]')) setText(el, t(el.dataset.t));
  const air = airState(app);
  const onair = $('onair');
  onair.className = `onair ${air.cls}`;
  setText(onair, air.key === 'bothLive' ? t('bothLive') : t(air.key));
  onair.dataset.state = air.cls;
  renderBanner(app, t);
  renderKeys(app, t);
  renderSource(app, t);
  renderQuality(app, t);
}

function renderBanner(app, t) {
  const s = app.boothState;
  let text = '';
  let error = false;
  if (app.final) { text = app.final; error = true; }
  else if (app.link?.state === 'reconnecting') text = app.taken ? t('taken') : t('reconnecting');
  else if (app.link?.state === 'connecting') text = t('connecting');
  else if (s?.both_live) { text = t('bothLive'); error = true; }
  else if (s?.handover === 'requested') text = s.live ? t('handoverRequested') : t('handoverWaiting');
  else if (s?.handover === 'switching' && !s.live && s.mic) text = t('takingOver');
  else if (s && !s.live && !s.mic) text = t('passive');
  else if (app.serverError) text = app.serverError;
  const b = $('banner');
  setText(b, text);
  b.classList.toggle('error', error);
  show(b, !!text);
  setText($('note'), app.note || '');
  show($('note'), !!app.note);
  const lim = app.returnStats?.limiter;
  const warn = $('ear-warning');
  setText(warn, lim?.warning ? t('earWarning', { db: lim.minute_dbfs.toFixed(0) }) : '');
  show(warn, !!lim?.warning);
}

function renderKeys(app, t) {
  const s = app.boothState;
  const live = s ? s.live : true;
  const hand = $('handover');
  setText(hand, live ? t('acceptHandover') : t('requestHandover'));
  hand.disabled = !s || s.partners === 0 || (live && s.handover !== 'requested');
  show($('decline'), !!s && s.handover === 'requested');
  $('cough').classList.toggle('held', !!app.coughHeld);
  const outs = s?.outputs ?? [];
  show($('ab'), outs.length === 2);
  ['out-a', 'out-b'].forEach((id, i) => {
    const el = $(id);
    setText(el, `${'AB'[i]}: ${outs[i] ?? ''}`);
    el.classList.toggle('active', outs[i] === s?.channel);
  });
  setText($('audience'), s ? t('audience', { n: s.audience }) : '');
  setText($('partners'), s?.booth ? `${t('booth', { name: s.booth })} · ${s.partners ? t('partners', { n: s.partners }) : t('alone')}` : '');
  setText($('where'), s?.channel ?? app.channelId ?? '');
}

function renderSource(app, t) {
  const sel = $('source');
  const floor = floorOf(app.feed?.channels ?? []);
  const options = [['floor', `${t('floor')}${floor ? ` (${channelName(floor)})` : ''}`]];
  for (const c of app.feed?.channels ?? []) {
    if (c === floor || c.id === (app.boothState?.channel ?? app.channelId)) continue;
    options.push([c.id, `${channelName(c)}${c.on_air === false ? ' ·' : ''}`]);
  }
  const key = JSON.stringify(options);
  if (sel.dataset.key !== key) {
    sel.replaceChildren(...options.map(([v, label]) => new Option(label, v)));
    sel.dataset.key = key;
  }
  if (sel.value !== app.feed?.source) sel.value = app.feed?.source ?? 'floor';
  const c = app.feed?.channel();
  setText($('hand'), app.feed?.source === 'floor' ? t('firstHand') : t('secondHand', { label: channelName(c) }));
}

function renderQuality(app, t) {
  const r = app.returnStats;
  const q = r?.source;
  const rows = [];
  const db = (v) => (v <= -119 ? '−∞ dBFS' : `${v.toFixed(0)} dBFS`);
  rows.push([t('level'), q && r.playing ? `${db(q.rmsDbfs)} (peak ${db(q.peakDbfs)})` : t('unknown')]);
  rows.push([t('clipping'), q ? String(q.clipped) : t('unknown')]);
  rows.push([t('bandwidth'), q?.bandwidthHz ? `${(q.bandwidthHz / 1000).toFixed(1)} kHz${q.bandwidthHz <= 5000 ? ` — ${t('narrowBand')}` : ''}` : t('unknown')]);
  const st = r?.stats;
  rows.push([t('concealment'), st && st.samples_played > 0 ? `${(100 * st.concealed_samples / st.samples_played).toFixed(1)} %` : t('unknown')]);
  rows.push([t('latency'), app.latency.ms !== null ? `${app.latency.ms.toFixed(0)} ms` : t('unknown')]);
  if (r?.limiter?.gain_reduction_db > 0.5) rows.push([t('limiting'), `−${r.limiter.gain_reduction_db.toFixed(1)} dB`]);
  const dl = $('quality');
  const key = JSON.stringify(rows);
  if (dl.dataset.key === key) return;
  dl.dataset.key = key;
  dl.replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = v;
    return [dt, dd];
  }));
}

// The input meter: peak in dBFS over -60..0.
export function renderLevel(peak) {
  const dbfs = peak > 1e-6 ? 20 * Math.log10(peak) : -120;
  $('level').style.width = `${Math.max(0, Math.min(100, (dbfs + 60) / 60 * 100))}%`;
}
