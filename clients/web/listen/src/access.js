// A private event's key (protocol/PROTOCOL.md, "Private events"): the listener token of a join
// link (?token=) or the passcode the attendee typed, sent in the WebSocket's query and
// remembered for the event in localStorage ('tolk.access.<event name>'), so that the next visit
// and every reconnect open without asking again.  Main thread.
import { store } from './state.js';
import CLOSE from '../../../../protocol/close_code.hpp';  // bundled by build.mjs's loader

const key = (event) => `tolk.access.${event}`;

// {token} or {passcode} -> the query of /ws/listen ('' for none).
export function accessQuery(access) {
  if (access?.token) return `?token=${encodeURIComponent(access.token)}`;
  if (access?.passcode) return `?passcode=${encodeURIComponent(access.passcode)}`;
  return '';
}

export function loadAccess(event) {
  try { return JSON.parse(store?.getItem(key(event)) || 'null'); } catch { return null; }
}

export function saveAccess(event, access) {
  if (event && access) store?.setItem(key(event), JSON.stringify(access));
}

export function forgetAccess(event) { store?.removeItem(key(event)); }

// The server's refusal (close code unauthorized, forbidden or token_expired, with
// a reason "code: text") as the message the page shows, in the page's language (i18n.js keys).
export function refusalMessage(code, reason, tried) {
  const what = String(reason || '').split(':')[0];
  if (what === 'wrong_passcode') return 'wrongPasscode';
  if (code === CLOSE.token_expired) return 'linkExpired';
  if (tried?.token) return 'linkRefused';
  return tried ? 'wrongPasscode' : null;
}

// The event's name before the WebSocket opens it (the public channel list says it).
export async function eventName() {
  try { return (await (await fetch('/api/channels', { cache: 'no-store' })).json()).event || ''; } catch { return ''; }
}
