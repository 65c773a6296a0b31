// Dropouts a listener heard in the last minutes, for the details view: concealment runs of
// 150 ms or more (dropouts) and of 40–150 ms (short gaps), counted by the audio core
// (concealments_over_150ms, concealments_40_to_150ms).  The core's counters start from zero
// with every new jitter buffer (a language switch, a reconnection), so the totals here carry
// over from one buffer to the next.  Main thread.
export const DROPOUT_WINDOW_MIN = 5;

export class DropoutTrack {
  constructor(windowMs = DROPOUT_WINDOW_MIN * 60000, everyMs = 1000) {
    this.windowMs = windowMs;
    this.everyMs = everyMs;
    this.samples = [];             // {t, long, short}: running totals, oldest first
    this.key = null;               // the buffer the counters belong to
    this.base = { long: 0, short: 0 };  // totals of earlier buffers
    this.last = { long: 0, short: 0 };  // the current buffer's counters
  }

  // tMs: now; key: identifies the buffer (channel and handle); st: its stats.
  update(tMs, key, st) {
    if (key !== this.key) {
      this.base = { long: this.base.long + this.last.long, short: this.base.short + this.last.short };
      this.last = { long: 0, short: 0 };
      this.key = key;
    }
    this.last = { long: st.concealments_over_150ms || 0, short: st.concealments_40_to_150ms || 0 };
    const totals = { t: tMs, long: this.base.long + this.last.long, short: this.base.short + this.last.short };
    const newest = this.samples[this.samples.length - 1];
    if (newest && tMs - newest.t < this.everyMs) Object.assign(newest, totals);
    else this.samples.push(totals);
    // Keep one sample at or before the window's start: the zero the counts are taken from.
    while (this.samples.length > 1 && this.samples[1].t <= tMs - this.windowMs) this.samples.shift();
  }

  // {long, short} within the window, or null before the first update.
  counts() {
    if (!this.samples.length) return null;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    // A run still going is counted in its current class: it may move from short to long.
    return { long: Math.max(0, last.long - first.long), short: Math.max(0, last.short - first.short) };
  }
}
