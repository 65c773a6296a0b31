// Wires the page's controls: page language, play/stop, volume, the floor underneath.  Each
// choice is saved (localStorage) and handed to main.js through `on`.  Main thread.
import { STRINGS } from './i18n.js';
import { store } from './state.js';

const $ = (id) => document.getElementById(id);
const LANGUAGE_NAMES = { en: 'English', fr: 'Français', es: 'Español' };

// on: {language(lang), toggle(), volume(value), floor(gain), unlock(passcode)}
export function setupControls(app, on) {
  const sel = $('ui-lang');
  sel.replaceChildren(...Object.keys(STRINGS).map((l) => {
    const o = document.createElement('option');
    o.value = l;
    o.textContent = LANGUAGE_NAMES[l];
    return o;
  }));
  sel.onchange = () => { store?.setItem('tolk.lang', sel.value); on.language(sel.value); };
  $('toggle').onclick = () => on.toggle();
  const vol = $('volume');
  vol.value = String(app.volume);
  vol.oninput = () => { store?.setItem('tolk.volume', vol.value); on.volume(Number(vol.value)); };
  const fl = $('floor');
  fl.value = String(app.floorGain);
  fl.oninput = () => { store?.setItem('tolk.floor', fl.value); on.floor(Number(fl.value)); };
  $('unlock').onsubmit = (e) => { e.preventDefault(); if ($('passcode').value) on.unlock($('passcode').value); };
}
