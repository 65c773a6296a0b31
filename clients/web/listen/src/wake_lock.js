// Keeps the screen on while the page plays (Screen Wake Lock API), where the browser has it.
// The browser drops the lock when the page is hidden; request() again when it is visible.
export class WakeLock {
  constructor() { this.lock = null; }

  async request() {
    try {
      if ('wakeLock' in navigator && document.visibilityState === 'visible' && !this.lock) {
        this.lock = await navigator.wakeLock.request('screen');
        this.lock.addEventListener('release', () => { this.lock = null; });
      }
    } catch { this.lock = null; }
  }

  release() { this.lock?.release().catch(() => {}); this.lock = null; }
}
