// The console's keys and buttons: cough (hold Space or the big button), handover (H; D
// declines), A/B output (A, B), slow-down, source picker, volume, voice processing, microphone,
// chat.  Each calls back into main.js (`act`); nothing here holds state.  Main thread only.
const $ = (id) => document.getElementById(id);
const typing = (e) => /^(INPUT|SELECT|TEXTAREA)$/.test(e.target?.tagName) && e.target.type !== 'checkbox' && e.target.type !== 'range';

// act: {cough(on), handover(), decline(), output(i), slowDown(), source(id), volume(v),
//       processing({echo, noise, gain}), mic(deviceId), chat(to, text), lang(l)}
export function setupControls(act) {
  const cough = $('cough');
  const press = (on) => (e) => { e.preventDefault(); act.cough(on); };
  cough.addEventListener('pointerdown', press(true));
  for (const ev of ['pointerup', 'pointercancel', 'pointerleave']) cough.addEventListener(ev, press(false));
  addEventListener('keydown', (e) => {
    if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.code === 'Space') { e.preventDefault(); if (!e.repeat) act.cough(true); return; }
    if (e.repeat) return;
    const k = e.key.toLowerCase();
    if (k === 'h') act.handover();
    else if (k === 'd') act.decline();
    else if (k === 'a') act.output(0);
    else if (k === 'b') act.output(1);
  });
  addEventListener('keyup', (e) => { if (e.code === 'Space' && !typing(e)) { e.preventDefault(); act.cough(false); } });
  addEventListener('blur', () => act.cough(false));  // a key released in another window
  $('handover').addEventListener('click', () => act.handover());
  $('decline').addEventListener('click', () => act.decline());
  $('out-a').addEventListener('click', () => act.output(0));
  $('out-b').addEventListener('click', () => act.output(1));
  $('slow').addEventListener('click', () => act.slowDown());
  $('source').addEventListener('change', (e) => act.source(e.target.value));
  $('volume').addEventListener('input', (e) => act.volume(Number(e.target.value)));
  const processing = () => ({ echo: $('p-echo').checked, noise: $('p-noise').checked, gain: $('p-gain').checked });
  for (const id of ['p-echo', 'p-noise', 'p-gain']) $(id).addEventListener('change', () => act.processing(processing()));
  $('mic').addEventListener('change', (e) => act.mic(e.target.value));
  $('ui-lang').addEventListener('change', (e) => act.lang(e.target.value));
  $('chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('chat-text').value.trim();
    if (text) act.chat($('chat-to').value, text);
    $('chat-text').value = '';
  });
  // Buttons keep no focus, so Space stays the cough key after a click.
  for (const b of document.querySelectorAll('button')) b.addEventListener('mouseup', () => b.blur());
}

export function showProcessing(p) {
  $('p-echo').checked = !!p.echo;
  $('p-noise').checked = !!p.noise;
  $('p-gain').checked = !!p.gain;
}

export function showMics(devices, current) {
  const sel = $('mic');
  sel.replaceChildren(...devices.map((d, i) => new Option(d.label || `Microphone ${i + 1}`, d.deviceId)));
  if (current && devices.some((d) => d.deviceId === current)) sel.value = current;
}

export function addChat(line) {
  const li = document.createElement('li');
  li.textContent = line;
  const log = $('chat-log');
  log.append(li);
  while (log.children.length > 200) log.firstChild.remove();
  log.scrollTop = log.scrollHeight;
}
