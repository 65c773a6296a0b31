// The lock screen and headset controls (Media Session API), where the browser has them.
const ARTWORK = [{ src: 'icon-192.png', sizes: '192x192', type: 'image/png' }, { src: 'icon-512.png', sizes: '512x512', type: 'image/png' }];

// now: {label, event, playing}; actions: {play(), stop()}.
export function updateMediaSession(now, actions) {
  if (!('mediaSession' in navigator)) return;
  if (now.label && now.playing) {
    navigator.mediaSession.metadata = new MediaMetadata({ title: now.label, artist: now.event || 'tolk', album: 'tolk', artwork: ARTWORK });
  }
  navigator.mediaSession.playbackState = now.playing ? 'playing' : 'paused';
  try {
    navigator.mediaSession.setActionHandler('play', actions.play);
    navigator.mediaSession.setActionHandler('pause', actions.stop);
    navigator.mediaSession.setActionHandler('stop', actions.stop);
  } catch { /* not supported */ }
}
