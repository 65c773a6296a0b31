// Draws the page from the state: header, connection status, the channel picker, the player
// (now playing, off-air notice, sliders) and the details view.  Main thread; reads only.
import { translate, channelLabel } from './i18n.js';
import { DROPOUT_WINDOW_MIN } from './dropouts.js';
import { channelById, floorChannel, selectedStream } from './state.js';

const $ = (id) => document.getElementById(id);

// app: the state; conn: the Connection; onChoose(id): a channel button was tapped.
export function render(app, conn, onChoose) {
  const t = (key, vars) => translate(app.lang, key, vars);
  document.documentElement.lang = app.lang;
  $('event').textContent = app.event || 'tolk';
  $('choose').textContent = t('choose');
  $('ui-lang-label').textContent = t('uiLanguage');
  $('ui-lang').value = app.lang;
  $('volume-label').textContent = t('volume');
  $('floor-label').textContent = t('floor');
  $('details-summary').textContent = t('details');
  const status = $('status');
  status.textContent = conn.state === 'connected' || conn.state === 'locked' ? '' : t(conn.state === 'connecting' ? 'connecting' : 'reconnecting');
  status.dataset.state = conn.state;
  renderUnlock(app, t);
  renderChannels(app, t, onChoose);
  renderPlayer(app, t);
  renderDetails(app, conn);
}

// A private event without its key: the passcode form instead of the picker.
function renderUnlock(app, t) {
  $('unlock').hidden = !app.locked;
  document.querySelector('main').hidden = !!app.locked;
  $('details').hidden = !!app.locked;
  $('unlock-help').textContent = t('privateEvent');
  $('passcode-label').textContent = t('passcode');
  $('unlock-go').textContent = t('join');
  const error = $('unlock-error');
  error.hidden = !app.locked?.error;
  error.textContent = app.locked?.error ? t(app.locked.error) : '';
}

// The buttons are updated in place, one per channel id, never rebuilt: the page re-renders on
// every server message, and a button replaced between a finger's down and up loses the tap (and
// a keyboard or screen-reader user's focus).
function renderChannels(app, t, onChoose) {
  const list = $('channels');
  const old = new Map([...list.querySelectorAll('button.channel')].map((b) => [b.dataset.id, b]));
  const buttons = app.channels.map((c) => {
    let b = old.get(c.id);
    if (!b) {
      b = document.createElement('button');
      b.className = 'channel';
      b.dataset.id = c.id;
      const label = document.createElement('span');
      label.className = 'label';
      const state = document.createElement('span');
      state.className = 'state';
      b.append(label, state);
      b.onclick = () => onChoose(b.dataset.id);
    }
    b.lang = c.language === 'mul' ? app.lang : c.language;
    b.setAttribute('aria-pressed', String(app.playing && c.id === app.selected));
    const [label, state] = b.children;
    label.textContent = channelLabel(c, app.lang);
    state.dataset.onAir = String(!!c.on_air);
    state.textContent = t(c.on_air ? 'onAir' : 'offAir');
    return b;
  });
  const keep = new Set(buttons);
  for (const n of [...list.childNodes]) if (!keep.has(n)) n.remove();
  // Moves only what is out of place (a moved node is taken out first, which would drop a press).
  buttons.forEach((b, i) => { if (list.children[i] !== b) list.insertBefore(b, list.children[i] ?? null); });
  if (!app.channels.length) list.textContent = t('noChannels');
}

function renderPlayer(app, t) {
  const sel = channelById(app, app.selected);
  const floor = floorChannel(app);
  const selLabel = channelLabel(sel, app.lang);
  $('player').hidden = !sel;
  $('now').textContent = sel ? (app.playing ? t('listening', { label: selLabel }) : selLabel) : t('tapToListen');
  const toggle = $('toggle');
  toggle.textContent = app.playing ? t('stop') : t('play');
  toggle.dataset.playing = String(app.playing);
  const notice = $('notice');
  notice.hidden = !(sel && sel.on_air === false);
  if (sel) notice.textContent = t(floor && floor !== sel ? 'offAirFloor' : 'offAirNotice', { label: selLabel });
  $('floor-row').hidden = !floor || sel === floor;
}

// What helps a person judge the sound: latency, the buffer against its target, the playout
// profile, dropouts in the last minutes.  The raw clock figures go to the stats upload only.
export function renderDetails(app, conn) {
  const t = (key, vars) => translate(app.lang, key, vars);
  const stream = selectedStream(app);
  const st = stream?.stats;
  const known = (v) => v !== null && v !== undefined && !Number.isNaN(v);
  const fmt = (v, unit) => (known(v) ? `${Math.round(v)} ${unit}` : '–');
  const dropouts = app.dropouts?.counts();
  const rows = [
    [t('connection'), conn.state],
    [t('latency'), fmt(app.latency.ms, 'ms')],
    [t('buffer'), st ? t('bufferNow', { now: Math.round(st.current_delay_ms), target: Math.round(st.target_delay_ms) }) : '–'],
    [t('profile'), stream?.profile ? t(`profile_${stream.profile}`) : '–'],
    [t('dropouts', { m: DROPOUT_WINDOW_MIN }), dropouts ? t('dropoutCount', dropouts) : '–'],
    [t('concealed'), st && st.samples_played > 0 ? `${(100 * st.concealed_samples / st.samples_played).toFixed(1)} %` : '–'],
    [t('path'), app.audio ? `${app.audio.path} @ ${app.audio.ctx.sampleRate} Hz${window.isSecureContext ? '' : ` (${t('degraded')})`}`
      : (window.isSecureContext ? '–' : t('degraded'))],
  ];
  $('details-body').replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = v;
    return [dt, dd];
  }));
}
