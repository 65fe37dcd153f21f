// Finds a Chromium for the end-to-end tests, or installs Debian's when we may (root + apt-get).
// Playwright cannot download its own browser on machines without internet access to its CDN,
// so a system Chromium is the dependable choice. Prints nothing when it finds one.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

function found() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  return CANDIDATES.find((p) => existsSync(p));
}

export function findChromium() {
  const existing = found();
  if (existing) return existing;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (root && apt) {
    console.log('resilient-fetch: no Chromium found; installing Debian\'s chromium (apt-get, about 35 s)...');
    execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null'], { stdio: 'inherit' });
    const installed = found();
    if (installed) return installed;
  }
  return undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = findChromium();
  if (!path) {
    console.error('resilient-fetch: end-to-end tests need Chromium: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.');
    process.exit(1);
  }
  console.log(path);
}
