// Draws the page from the state: header, connection status, the channel picker, the player
// (now playing, off-air notice, sliders) and the details view.  Main thread; reads only.
import { translate } from './i18n.js';
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
  status.textContent = conn.state === 'connected' ? '' : t(conn.state === 'connecting' ? 'connecting' : 'reconnecting');
  status.dataset.state = conn.state;
  renderChannels(app, t, onChoose);
  renderPlayer(app, t);
  renderDetails(app, conn);
}

function renderChannels(app, t, onChoose) {
  const list = $('channels');
  list.replaceChildren(...app.channels.map((c) => {
    const b = document.createElement('button');
    b.className = 'channel';
    b.dataset.id = c.id;
    b.lang = c.language === 'mul' ? app.lang : c.language;
    b.setAttribute('aria-pressed', String(app.playing && c.id === app.selected));
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = c.label;
    const state = document.createElement('span');
    state.className = 'state';
    state.dataset.onAir = String(!!c.on_air);
    state.textContent = t(c.on_air ? 'onAir' : 'offAir');
    b.append(label, state);
    b.onclick = () => onChoose(c.id);
    return b;
  }));
  if (!app.channels.length) list.textContent = t('noChannels');
}

function renderPlayer(app, t) {
  const sel = channelById(app, app.selected);
  const floor = floorChannel(app);
  $('player').hidden = !sel;
  $('now').textContent = sel ? (app.playing ? t('listening', { label: sel.label }) : sel.label) : t('tapToListen');
  const toggle = $('toggle');
  toggle.textContent = app.playing ? t('stop') : t('play');
  toggle.dataset.playing = String(app.playing);
  const notice = $('notice');
  notice.hidden = !(sel && sel.on_air === false);
  if (sel) notice.textContent = t(floor && floor !== sel ? 'offAirFloor' : 'offAirNotice', { label: sel.label });
  $('floor-row').hidden = !floor || sel === floor;
}

export function renderDetails(app, conn) {
  const t = (key, vars) => translate(app.lang, key, vars);
  const st = selectedStream(app)?.stats;
  const fmt = (v, unit) => (v === null || v === undefined || Number.isNaN(v) ? '–' : `${Math.round(v)} ${unit}`);
  const rows = [
    [t('connection'), conn.state],
    [t('latency'), fmt(app.latency.ms, 'ms')],
    [t('buffer'), fmt(st?.current_delay_ms, 'ms')],
    [t('target'), fmt(st?.target_delay_ms, 'ms')],
    [t('concealed'), st && st.samples_played > 0 ? `${(100 * st.concealed_samples / st.samples_played).toFixed(1)} %` : '–'],
    [t('clock'), conn.offsetUs === null ? '–' : `${(conn.offsetUs / 1000).toFixed(1)} ms / ${(conn.rttUs / 1000).toFixed(1)} ms`],
    [t('path'), app.audio ? `${app.audio.path} @ ${app.audio.ctx.sampleRate} Hz${window.isSecureContext ? '' : ` (${t('degraded')})`}`
      : (window.isSecureContext ? '–' : t('degraded'))],
  ];
  $('details-body').replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = v;
    return [dt, dd];
  }));
}
