// WebKitGTK (Safari's engine) for the browser tests: WebKitWebDriver on a virtual display
// (xvfb-run), MiniBrowser sessions at a phone's size, and the WebDriver calls the tests use.
// `webkitSkip` says why the tests cannot run here (false when they can).
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { run, stop, waitFor } from './harness.mjs';

const which = (cmd) => { try { return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim(); } catch { return ''; } };
const driverBin = which('WebKitWebDriver');
const miniBrowser = ['/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser']
  .find((p) => fs.existsSync(p));
export const webkitSkip = !driverBin || !miniBrowser || !which('xvfb-run') ? 'WebKitWebDriver, MiniBrowser or xvfb-run missing' : false;

async function wd(base, method, p, body) {
  const r = await fetch(`${base}${p}`, { method, headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30000) });
  const j = await r.json();
  if (!r.ok) throw new Error(`${method} ${p}: ${JSON.stringify(j.value)}`);
  return j.value;
}

// Starts the driver; resolves {session(), stop()}.  session() opens a MiniBrowser and resolves
// {goto(url), exec(script, args), execAsync(script, args), click(css), screenshot(), close()}.
// browserArgs: more MiniBrowser options (WebKitSettings switches, e.g. --enable-mock-capture-devices=true).
export async function startWebKit({ browserArgs = [] } = {}) {
  const wdPort = 40000 + Math.floor(Math.random() * 20000);
  const driver = run('xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', driverBin, `--port=${wdPort}`]);
  const base = `http://127.0.0.1:${wdPort}`;
  await waitFor('WebKitWebDriver', async () => (await fetch(`${base}/status`)).ok, 15000, 100);
  const session = async () => {
    const created = await wd(base, 'POST', '/session', { capabilities: { alwaysMatch: {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation', '--geometry=390x844', ...browserArgs] } } } });
    const s = `/session/${created.sessionId}`;
    return {
      goto: (url) => wd(base, 'POST', `${s}/url`, { url }),
      exec: (script, args = []) => wd(base, 'POST', `${s}/execute/sync`, { script, args }),
      execAsync: (script, args = []) => wd(base, 'POST', `${s}/execute/async`, { script, args }),
      click: async (css) => {
        const el = await wd(base, 'POST', `${s}/element`, { using: 'css selector', value: css });
        await wd(base, 'POST', `${s}/element/${Object.values(el)[0]}/click`, {});
      },
      screenshot: async () => Buffer.from(await wd(base, 'GET', `${s}/screenshot`), 'base64'),
      close: () => wd(base, 'DELETE', s).catch(() => {}),
    };
  };
  return { session, stop: () => stop(driver) };
}
