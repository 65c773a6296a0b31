// Does every package locked in clients/web/package-lock.json accept the Node that runs it?
//   node check_engines.mjs [--debian] [--node VERSION]... [LOCKFILE]
// Checks each package's `engines.node` range against this Node (process.version) and, with
// --debian, also against the nodejs versions Debian's own archive offers (`apt-cache madison`),
// which is what `./tolk deps` installs on a bare Debian 12: a machine with a newer Node from
// elsewhere would otherwise hide a package that Debian's Node cannot run.  --node VERSION checks
// against that version instead of this Node.
// Exit 0 when all fit; else 1 and one line per range that does not fit, e.g.
//   playwright-core 1.65.1 needs node >=20, Debian's nodejs is 18.20.4 (clients/web/package-lock.json)
// Uses nothing from node_modules (it runs before `npm ci`), so it reads ranges itself: the
// npm forms `>=A.B.C`, `>`, `<`, `<=`, `=`, `^`, `~`, `A.x`, `*`, spaces (and), `||` (or).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const parse = (v) => {
  const m = String(v).trim().replace(/^v/, '').match(/^(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?/);
  if (!m) return null;
  const part = (s) => (s === undefined || /[xX*]/.test(s) ? null : Number(s));
  return [part(m[1]), part(m[2]), part(m[3])];
};
const cmp = (a, b) => {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0) ? -1 : 1;
  return 0;
};
// The first version a partial version no longer covers: 18 -> 19.0.0, 18.2 -> 18.3.0.
const next = (p) => (p[1] === null ? [p[0] + 1, 0, 0] : p[2] === null ? [p[0], p[1] + 1, 0] : [p[0], p[1], p[2] + 1]);

function comparator(text, version) {
  const m = text.match(/^(>=|<=|>|<|=|\^|~)?\s*(.+)$/);
  const op = m[1] || '';
  const p = parse(m[2]);
  if (!p) throw new Error(`cannot read version range "${text}"`);
  if (p[0] === null) return true;  // * or x
  const c = cmp(version, p);
  switch (op) {
    case '>=': return c >= 0;
    case '>': return p[1] === null || p[2] === null ? cmp(version, next(p)) >= 0 : c > 0;
    case '<': return c < 0;
    case '<=': return p[1] === null || p[2] === null ? cmp(version, next(p)) < 0 : c <= 0;
    case '^': {
      const upper = p[0] > 0 || p[1] === null ? [p[0] + 1, 0, 0] : p[1] > 0 || p[2] === null ? [0, p[1] + 1, 0] : [0, 0, p[2] + 1];
      return c >= 0 && cmp(version, upper) < 0;
    }
    case '~': return c >= 0 && cmp(version, p[1] === null ? [p[0] + 1, 0, 0] : [p[0], p[1] + 1, 0]) < 0;
    default: return p[1] === null || p[2] === null ? c >= 0 && cmp(version, next(p)) < 0 : c === 0;
  }
}

function satisfies(version, range) {
  const v = parse(version);
  return range.split('||').some((alt) => {
    const parts = alt.trim().replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/).filter(Boolean);
    if (parts.length === 3 && parts[1] === '-') return comparator(`>=${parts[0]}`, v) && comparator(`<=${parts[2]}`, v);
    return parts.every((c) => comparator(c, v));
  });
}

// nodejs versions in Debian's archive, e.g. ["18.20.4"]; [] when apt-cache is not there.
function debianNodes() {
  let out = '';
  try { out = execFileSync('apt-cache', ['madison', 'nodejs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }); } catch { return []; }
  return [...new Set(out.split('\n').filter((l) => /debian\.org\/debian/.test(l))
    .map((l) => l.split('|')[1]?.trim().replace(/^\d+:/, '').match(/^[\d.]+/)?.[0]).filter(Boolean))];
}

const args = process.argv.slice(2);
const given = args.flatMap((a, i) => (args[i - 1] === '--node' ? [[a, 'node']] : []));
const lockfile = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--node') ||
  path.join(path.dirname(new URL(import.meta.url).pathname), 'package-lock.json');
const nodes = given.length ? given : [[process.version.replace(/^v/, ''), 'this machine\'s node']];
if (args.includes('--debian')) for (const v of debianNodes()) nodes.push([v, 'Debian\'s nodejs']);

const lock = JSON.parse(fs.readFileSync(lockfile, 'utf8'));
const misfits = new Map();  // "needs node R, X is V" -> the packages that say so
let checked = 0;
for (const [where, pkg] of Object.entries(lock.packages || {})) {
  const range = pkg.engines?.node;
  if (!where || !range) continue;
  checked++;
  const name = `${where.replace(/^.*node_modules\//, '')} ${pkg.version}`;
  for (const [version, what] of nodes) {
    if (satisfies(version, range)) continue;
    const why = `need node ${range}, ${what} is ${version}`;
    misfits.set(why, [...(misfits.get(why) || []), name]);
  }
}
for (const [why, names] of misfits) {
  const who = names.length > 2 ? `${names.slice(0, 2).join(', ')} and ${names.length - 2} more` : names.join(' and ');
  console.error(`${who} ${names.length > 1 ? why : why.replace(/^need/, 'needs')} (${lockfile})`);
}
if (!misfits.size) console.log(`engines: ${checked} locked packages accept node ${nodes.map(([v]) => v).join(', ')}`);
process.exit(misfits.size ? 1 : 0);
