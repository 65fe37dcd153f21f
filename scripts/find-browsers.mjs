// Finds the browsers the end-to-end tests drive, or installs Debian's when we may (root + apt-get).
// Playwright, puppeteer and Selenium cannot download browsers on machines without internet access
// to their CDNs, so system packages are the dependable choice:
//   chromium    Debian `chromium`                                   (Playwright)
//   firefox     Debian `firefox-esr`                                (puppeteer-core, WebDriver BiDi)
//   webkit      Debian `webkit2gtk-driver` + its MiniBrowser, `xvfb` (selenium-webdriver)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

export const ENGINES = ['chromium', 'firefox', 'webkit'];

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
const FIREFOX = ['/usr/bin/firefox-esr', '/usr/bin/firefox'];

/** The MiniBrowser of libwebkit2gtk-4.1-0 lives under the multiarch triplet (x86_64-linux-gnu, ...). */
function miniBrowsers() {
  const lib = '/usr/lib';
  const triplets = existsSync(lib) ? readdirSync(lib).filter((d) => d.endsWith('-linux-gnu')) : [];
  return triplets.map((t) => `${lib}/${t}/webkit2gtk-4.1/MiniBrowser`);
}

/** A path from the environment (which must exist), else the first candidate that exists. */
function pick(envName, candidates) {
  const fromEnv = process.env[envName];
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv } : { missing: `${envName}=${fromEnv} does not exist`, chosen: true };
  const path = candidates.find((p) => existsSync(p));
  return path ? { path } : { missing: `${candidates[0]} not found` };
}

const REQUIREMENTS = {
  chromium: { packages: ['chromium'], recommends: true, paths: () => ({ chromium: pick('CHROMIUM_PATH', CHROMIUM) }) },
  firefox: { packages: ['firefox-esr'], recommends: true, paths: () => ({ firefox: pick('FIREFOX_PATH', FIREFOX) }) },
  webkit: {
    packages: ['webkit2gtk-driver', 'xvfb'],
    recommends: false,
    paths: () => ({
      driver: pick('WEBKIT_DRIVER_PATH', ['/usr/bin/WebKitWebDriver']),
      miniBrowser: pick('MINIBROWSER_PATH', miniBrowsers()),
      xvfb: pick('XVFB_PATH', ['/usr/bin/Xvfb']),
    }),
  },
};

/**
 * Where an engine's binaries are: `{ paths }`, or `{ missing, installable }`, one line saying what
 * is absent and how to get it, and whether installing Debian's packages would help.
 */
export function locate(engine) {
  const req = REQUIREMENTS[engine];
  const found = req.paths();
  const absent = Object.values(found).filter((f) => f.missing);
  if (absent.length > 0) {
    // A path the user chose and got wrong is theirs to fix: installing packages would not help.
    const installable = absent.every((f) => !f.chosen);
    return { missing: `${absent.map((f) => f.missing).join('; ')} (Debian: apt-get install ${req.packages.join(' ')})`, installable };
  }
  return { paths: Object.fromEntries(Object.entries(found).map(([k, f]) => [k, f.path])) };
}

function mayInstall() {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return root && spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
}

/**
 * Installs what the given engines lack, when we are root on Debian: one `apt-get update`, then
 * one install for the packages that want their recommends (the browsers' fonts and codecs) and
 * one without (the WebKit driver and Xvfb pull in a desktop otherwise). Never throws: an engine
 * that is still missing afterwards is reported by `locate`.
 */
export function provision(engines) {
  const lacking = engines.filter((e) => locate(e).installable);
  if (lacking.length === 0 || !mayInstall()) return;
  const withRecommends = lacking.filter((e) => REQUIREMENTS[e].recommends).flatMap((e) => REQUIREMENTS[e].packages);
  const without = lacking.filter((e) => !REQUIREMENTS[e].recommends).flatMap((e) => REQUIREMENTS[e].packages);
  console.log(`resilient-fetch: installing ${[...withRecommends, ...without].join(' ')} for the end-to-end tests (apt-get, about a minute)...`);
  const install = (flags, packages) => (packages.length ? ` && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${flags}${packages.join(' ')} > /dev/null` : '');
  try {
    execFileSync('sh', ['-c', `apt-get update -qq${install('', withRecommends)}${install('--no-install-recommends ', without)}`], { stdio: 'inherit' });
  } catch (error) {
    console.error(`resilient-fetch: apt-get failed (${error.message.split('\n')[0]})`);
  }
}

/** Engines named in TEST_ENGINES (comma-separated), default all; throws on an unknown name. */
export function selectedEngines(value = process.env.TEST_ENGINES) {
  if (!value) return [...ENGINES];
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !ENGINES.includes(n));
  if (unknown.length > 0) throw new TypeError(`TEST_ENGINES: unknown engine ${JSON.stringify(unknown[0])}; use ${ENGINES.join(',')}`);
  return ENGINES.filter((e) => names.includes(e));
}
