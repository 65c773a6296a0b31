// Several tolk nodes (deploy/README.md, "Several nodes"): which node this phone listens on.
// /api/nodes lists the nodes with their load and public URL and suggests the least-loaded one;
// the app moves there at start, keeps the list fresh, and when its node goes away the
// connection walks on to the next node of the list (connection.js asks nextUrl()). A single
// server answers an empty list: the app stays on the page's own server.  Main thread only.
const REFRESH_MS = 10000;
const FETCH_TIMEOUT_MS = 2000;

export const listenUrlOf = (origin) => `${origin.replace(/^http/, 'ws')}/ws/listen`;

export class NodeList {
  constructor(pageOrigin) {
    this.origins = [pageOrigin];
    this.current = pageOrigin;
  }

  // An /api/nodes answer: returns the suggested origin when it is another node than ours.
  update(answer) {
    const urls = (answer?.nodes || []).map((n) => n.public_url)
      .filter((u) => typeof u === 'string' && /^https?:\/\/[^/?#]+$/.test(u));
    if (!urls.length) return null;
    const origins = [...new Set(urls.includes(this.current) ? urls : [this.current, ...urls])];
    // A page served over https must not move to a plain-http node (mixed content is refused).
    this.origins = location.protocol === 'https:' ? origins.filter((o) => o.startsWith('https:')) : origins;
    if (!this.origins.includes(this.current)) this.origins.unshift(this.current);
    const s = answer.suggested;
    return typeof s === 'string' && s !== this.current && this.origins.includes(s) ? s : null;
  }

  // The node in use went away: the next one of the list (ours again when it is the only one).
  next() {
    const i = this.origins.indexOf(this.current);
    this.current = this.origins[(i + 1) % this.origins.length];
    return this.current;
  }
}

async function fetchNodes(origin) {
  try {
    const r = await fetch(`${origin}/api/nodes`, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), cache: 'no-store' });
    return r.ok ? await r.json() : null;
  } catch {
    return null;
  }
}

// Follows the nodes for `conn`: moves it to the suggested node at start (before anyone plays),
// then refreshes the list from the node in use.
export function followNodes(nodes, conn) {
  fetchNodes(nodes.current).then((answer) => {
    const suggested = nodes.update(answer);
    if (suggested) {
      nodes.current = suggested;
      conn.moveTo(listenUrlOf(suggested));
    }
  });
  setInterval(async () => { nodes.update(await fetchNodes(nodes.current)); }, REFRESH_MS);
}
