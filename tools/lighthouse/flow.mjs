// `cargo xtask bench lighthouse` runs this against a console served by a running mock-server:
//
//   node flow.mjs --base http://127.0.0.1:PORT --chromium /usr/bin/chromium --out DIR [--runs 3]
//                 [--presets mobile,desktop] [--reuse yes]
//
// For each preset (mobile, desktop) and run, a fresh headless Chromium goes through one Lighthouse user
// flow: sign-in (cold navigation), signing in (timespan), the endpoint table (navigation), opening an
// endpoint from it (timespan), the endpoint page with its deliveries, the events, the signature tool
// (navigations). Every navigation after the first signs in from the tab's sessionStorage, which
// Lighthouse's storage reset leaves alone, and starts with an empty HTTP cache (a first visit). Then,
// in more browsers: each screen's layout shifts and what moved (phone-sized, CPU 4× slower), and the
// bytes on the wire of a first and a repeat visit to the endpoint table.
//
// Prints Markdown to paste into BENCHMARKS.md: medians over the runs, what Lighthouse flagged per
// screen, the layout shifts, the wire bytes. Each run's flow report (HTML) and results (JSON) go to
// DIR; `--reuse yes` prints the tables from them again instead of running Lighthouse.

import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { startFlow, desktopConfig } from 'lighthouse';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const base = args.base ?? fail('--base URL is required');
const chromium = args.chromium ?? '/usr/bin/chromium';
const out = args.out ?? fail('--out DIR is required');
const runs = Number(args.runs ?? 3);
const presets = (args.presets ?? 'mobile,desktop').split(',');
// `--reuse yes`: print the tables again from the flows saved in --out by an earlier run, without
// running Lighthouse (the layout shifts and the wire bytes are measured again).
const reuse = args.reuse === 'yes';
const username = 'admin';
const password = 'admin';
const token = 'dev-admin-token';

// The flags every headless Chromium of this project runs with (README, "Toolchain notes").
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

const METRICS = [
  ['FCP ms', 'first-contentful-paint', 0],
  ['LCP ms', 'largest-contentful-paint', 0],
  ['TBT ms', 'total-blocking-time', 0],
  ['CLS', 'cumulative-layout-shift', 3],
  ['INP ms', 'interaction-to-next-paint', 0],
  ['KB transferred', 'total-byte-weight', 1],
];
const CATEGORIES = [
  ['perf', 'performance'],
  ['a11y', 'accessibility'],
  ['best pr.', 'best-practices'],
  ['SEO', 'seo'],
];

function fail(message) {
  console.error(`flow.mjs: ${message}`);
  process.exit(2);
}

async function api(pathAndQuery) {
  const response = await fetch(`${base}${pathAndQuery}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) fail(`GET ${pathAndQuery} answered ${response.status}`);
  return response.json();
}

/** The endpoint with the most attempts: the endpoint page "with deliveries". */
async function busiestEndpoint() {
  const endpoints = await api('/api/v2/webhook/endpoint/?limit=100');
  let best = null;
  for (const endpoint of endpoints.results) {
    const attempts = await api(`/api/v2/webhook/endpoint/${endpoint.id}/attempt/?limit=1`);
    if (!best || attempts.count > best.attempts) best = { id: endpoint.id, attempts: attempts.count };
  }
  if (!best || best.attempts === 0) fail('no endpoint has attempts: is the server seeded?');
  return best;
}

async function launch() {
  const profile = await mkdtemp(path.join(tmpdir(), 'lighthouse-profile-'));
  const browser = await puppeteer.launch({
    executablePath: chromium,
    ignoreDefaultArgs: true,
    args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, 'about:blank'],
    defaultViewport: null,
  });
  return {
    browser,
    async close() {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The browser's tab, with waits long enough for a busy machine. */
async function firstPage(browser) {
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  page.setDefaultTimeout(120_000);
  return page;
}

async function signIn(page) {
  await page.waitForSelector('#sign-in-username');
  await page.type('#sign-in-username', username);
  await page.type('#sign-in-password', password);
  await page.click('form button[type=submit]');
  await page.waitForSelector('.user-name');
}

/** One user flow; returns its steps' results (Lighthouse's `lhr`s). */
async function flowRun(preset, endpoint) {
  const { browser, close } = await launch();
  try {
    const page = await firstPage(browser);
    const flow = await startFlow(page, {
      name: `Webhook console (${preset})`,
      config: preset === 'desktop' ? desktopConfig : undefined,
    });
    // Every navigation is a first visit: empty cache, storage reset (the token in sessionStorage stays).
    const cold = { disableStorageReset: false };
    await flow.navigate(`${base}/sign-in`, { name: 'sign-in' });
    await flow.startTimespan({ name: 'signing in (type, submit)' });
    await signIn(page);
    await flow.endTimespan();
    await flow.navigate(`${base}/endpoints`, { name: 'endpoint table', ...cold });
    await page.waitForSelector('tbody tr');
    await flow.startTimespan({ name: 'opening an endpoint from the table' });
    const link = (await page.$(`tbody a[href="/endpoints/${endpoint.id}"]`)) ?? (await page.$('tbody a[href^="/endpoints/"]'));
    if (!link) fail('the endpoint table has no link to an endpoint');
    await link.click();
    await page.waitForFunction(() => location.pathname.match(/^\/endpoints\/\d+$/));
    await page.waitForNetworkIdle({ idleTime: 500 });
    await flow.endTimespan();
    await flow.navigate(`${base}/endpoints/${endpoint.id}`, { name: 'endpoint page', ...cold });
    await flow.navigate(`${base}/events`, { name: 'events', ...cold });
    await flow.navigate(`${base}/tools/signature`, { name: 'signature tool', ...cold });
    const result = await flow.createFlowResult();
    return { result, html: await flow.generateReport() };
  } finally {
    await close();
  }
}

function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function metricValue(lhr, id) {
  const value = lhr.audits[id]?.numericValue;
  if (value === undefined) return null;
  return id === 'total-byte-weight' ? value / 1024 : value;
}

function format(value, decimals) {
  return value === null ? '–' : value.toFixed(decimals);
}

/** The metrics, already in the tables: left out of the findings. */
const METRIC_AUDITS = new Set([
  'first-contentful-paint', 'largest-contentful-paint', 'speed-index', 'interactive', 'total-blocking-time',
  'cumulative-layout-shift', 'max-potential-fid', 'interaction-to-next-paint',
]);

/** What Lighthouse flagged on a step: every scored audit under 0.9 but the metrics, with its figure. */
function findings(lhr) {
  const found = new Map();
  for (const [category, { auditRefs }] of Object.entries(lhr.categories)) {
    for (const { id, weight } of auditRefs) {
      const audit = lhr.audits[id];
      if (!audit || METRIC_AUDITS.has(id) || audit.score === null || audit.score >= 0.9) continue;
      if (audit.scoreDisplayMode === 'notApplicable' || audit.scoreDisplayMode === 'informative') continue;
      found.set(id, { category, title: audit.title, display: audit.displayValue ?? '', weight, audit });
    }
  }
  // Where to aim even when they pass: illegible text, DOM size, what shifted.
  for (const id of ['font-size', 'dom-size', 'layout-shifts']) {
    const audit = lhr.audits[id];
    const worth = id === 'font-size' ? audit?.displayValue && !audit.displayValue.startsWith('100%') : audit?.displayValue;
    if (worth && !found.has(id)) {
      found.set(id, { category: 'diagnostic', title: audit.title, display: audit.displayValue, weight: 0, audit });
    }
  }
  return found;
}

/** The first items of a flagged audit in a few words each (font sizes, requests, nodes). */
function details(audit) {
  const items = audit.details?.items ?? [];
  const plain = (value) => (value && typeof value === 'object' && 'value' in value ? value.value : value);
  const describe = (item) => {
    const node = [item.node, item.source, item.element].find((n) => n?.selector || n?.snippet);
    if (item.selector && typeof item.selector === 'string') return item.selector;
    if (node) return node.selector || node.snippet;
    if (item.url) return item.url.replace(/^https?:\/\/[^/]+/, '');
    if (item.source?.value) return item.source.value;
    if (item.statistic) return item.statistic;
    if (item.groupLabel) return item.groupLabel;
    return null;
  };
  const described = items.slice(0, 4).map((item) => {
    const what = describe(item);
    if (!what) return null;
    let figure = plain(item.fontSize ?? item.wastedBytes ?? item.score ?? item.duration ?? item.value);
    if (item.coverage) figure = `${figure}, ${item.coverage} of the text`;
    if (figure === undefined || figure === null) return what;
    return `${what} (${typeof figure === 'number' ? +figure.toFixed(3) : figure})`;
  });
  return described.filter(Boolean).join('; ');
}

/** Installed before the page's scripts: every layout shift, with what moved (Lighthouse 12.2's own
 * `layout-shifts` audit fails on this Chromium's traces). Shifts flagged `hadRecentInput` count too, as
 * in Lighthouse: nothing types during these loads, yet headless Chromium flags some. */
function recordLayoutShifts() {
  const name = (node) => {
    if (!node) return '(removed)';
    if (node.nodeType !== 1) return `text in ${name(node.parentElement)}`;
    const classes = typeof node.className === 'string' && node.className.trim() ? `.${node.className.trim().split(/\s+/).join('.')}` : '';
    return `${node.tagName.toLowerCase()}${node.id ? `#${node.id}` : ''}${classes}`;
  };
  window.__layoutShifts = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__layoutShifts.push({
        value: entry.value,
        at: Math.round(entry.startTime),
        sources: entry.sources.map((s) => {
          const down = Math.round(s.currentRect.y - s.previousRect.y);
          const height = Math.round(s.currentRect.height - s.previousRect.height);
          return `${name(s.node)} (${down < 0 ? `${-down} px up` : `${down} px down`}${height ? `, ${height > 0 ? '+' : ''}${height} px tall` : ''})`;
        }),
      });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

/** Layout shifts of each screen on a phone-sized page with the CPU slowed 4×, as Lighthouse's mobile,
 * from an empty cache. */
async function layoutShifts(endpoint) {
  const { browser, close } = await launch();
  try {
    const page = await firstPage(browser);
    await page.setViewport({ width: 412, height: 823, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true });
    await page.evaluateOnNewDocument(recordLayoutShifts);
    await page.goto(`${base}/sign-in`);
    await signIn(page);
    const cdp = await page.createCDPSession();
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const screens = [
      ['endpoint table', '/endpoints'],
      ['endpoint page', `/endpoints/${endpoint.id}`],
      ['events', '/events'],
      ['signature tool', '/tools/signature'],
    ];
    const rows = [];
    for (const [screen, at] of screens) {
      await cdp.send('Network.clearBrowserCache');
      await page.goto(`${base}${at}`);
      await page.waitForNetworkIdle({ idleTime: 1000 });
      const shifts = await page.evaluate(() => window.__layoutShifts);
      const total = shifts.reduce((sum, shift) => sum + shift.value, 0);
      const moved = shifts
        .sort((a, b) => b.value - a.value)
        .slice(0, 3)
        .map((shift) => `${shift.value.toFixed(3)} at ${shift.at} ms: ${shift.sources.slice(0, 3).join(', ')}`);
      rows.push(`| ${screen} | ${total.toFixed(3)} | ${moved.join('; ') || '–'} |`);
    }
    return rows;
  } finally {
    await close();
  }
}

async function wireBytes() {
  const { browser, close } = await launch();
  try {
    const page = await firstPage(browser);
    await page.setViewport({ width: 1350, height: 940 });
    const cdp = await page.createCDPSession();
    await cdp.send('Network.enable');
    let requests = new Map();
    cdp.on('Network.requestWillBeSent', (e) => {
      requests.set(e.requestId, { url: e.request.url, method: e.request.method, bytes: 0 });
    });
    cdp.on('Network.responseReceived', (e) => {
      const request = requests.get(e.requestId);
      if (!request) return;
      const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      request.status = e.response.status;
      request.encoding = headers['content-encoding'] ?? '';
      request.cache = e.response.fromDiskCache ? 'disk cache' : e.response.fromPrefetchCache ? 'prefetch cache' : '';
    });
    // The status that came over the wire: a revalidated response shows as the cached 200 above.
    cdp.on('Network.responseReceivedExtraInfo', (e) => {
      const request = requests.get(e.requestId);
      if (request) request.wireStatus = e.statusCode;
    });
    cdp.on('Network.requestServedFromCache', (e) => {
      const request = requests.get(e.requestId);
      if (request) request.cache ||= 'memory cache';
    });
    cdp.on('Network.loadingFinished', (e) => {
      const request = requests.get(e.requestId);
      if (request) request.bytes = e.encodedDataLength;
    });
    await page.goto(`${base}/sign-in`);
    await signIn(page);
    const visit = async () => {
      await page.goto('about:blank');
      requests = new Map();
      await page.goto(`${base}/endpoints`);
      await page.waitForSelector('tbody tr');
      await page.waitForNetworkIdle({ idleTime: 500 });
      return [...requests.values()].filter((r) => r.url.startsWith(base));
    };
    await cdp.send('Network.clearBrowserCache');
    const first = await visit();
    const repeat = await visit();
    return { first, repeat };
  } finally {
    await close();
  }
}

function wireTable(title, requests) {
  const lines = [`${title}`, '', '| request | status | encoding | bytes on the wire |', '|---|---:|---|---:|'];
  for (const r of requests) {
    const where = r.url.replace(/^https?:\/\/[^/]+/, '');
    const status = r.cache ? `${r.status ?? ''} (${r.cache})` : `${r.wireStatus ?? r.status ?? '–'}`;
    lines.push(`| ${r.method} ${where} | ${status} | ${r.encoding || '–'} | ${r.bytes.toLocaleString('en')} |`);
  }
  const total = requests.reduce((sum, r) => sum + r.bytes, 0);
  lines.push(`| **total** | | | **${total.toLocaleString('en')}** |`);
  return lines.join('\n');
}

const endpoint = await busiestEndpoint();
await mkdir(out, { recursive: true });
console.error(`==> endpoint page: /endpoints/${endpoint.id} (${endpoint.attempts} attempts)`);

// steps[preset][step name] = [lhr of each run]
const steps = {};
const loadsFile = path.join(out, 'loads.json');
const loads = reuse ? JSON.parse(await readFile(loadsFile, 'utf8').catch(() => '[]')) : [];
for (const preset of presets) {
  steps[preset] = {};
  for (let run = 1; run <= runs; run++) {
    const saved = path.join(out, `${preset}-${run}.json`);
    let result;
    if (reuse) {
      result = JSON.parse(await readFile(saved, 'utf8'));
    } else {
      const started = Date.now();
      loads.push(`${preset} ${run}: ${loadavg()[0].toFixed(2)}`);
      console.error(`==> lighthouse ${preset}, run ${run} of ${runs} (load ${loadavg()[0].toFixed(2)})`);
      const flow = await flowRun(preset, endpoint);
      result = flow.result;
      await writeFile(saved, JSON.stringify(result));
      await writeFile(path.join(out, `${preset}-${run}.html`), flow.html);
      await writeFile(loadsFile, JSON.stringify(loads));
      console.error(`    ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    for (const step of result.steps) (steps[preset][step.name] ??= []).push(step.lhr);
  }
}

const lines = [];
lines.push(`Medians of ${runs} runs; scores 0–100. Navigations start with an empty cache (a first visit).`);
lines.push(`Load average (1 min) at each run's start: ${loads.join(', ')}.`);
lines.push('');
lines.push(`| screen | preset | ${CATEGORIES.map(([label]) => label).join(' | ')} | ${METRICS.filter(([, id]) => id !== 'interaction-to-next-paint').map(([label]) => label).join(' | ')} |`);
lines.push(`|---|---|${CATEGORIES.map(() => '---:').join('|')}|${METRICS.filter(([, id]) => id !== 'interaction-to-next-paint').map(() => '---:').join('|')}|`);
const navigations = [];
const timespans = [];
for (const preset of presets) {
  for (const [name, lhrs] of Object.entries(steps[preset])) {
    (lhrs[0].gatherMode === 'navigation' ? navigations : timespans).push([preset, name, lhrs]);
  }
}
for (const [preset, name, lhrs] of navigations) {
  const scores = CATEGORIES.map(([, id]) => format(median(lhrs.map((l) => l.categories[id]?.score * 100)), 0));
  const metrics = METRICS.filter(([, id]) => id !== 'interaction-to-next-paint').map(([, id, decimals]) =>
    format(median(lhrs.map((l) => metricValue(l, id))), decimals),
  );
  lines.push(`| ${name} | ${preset} | ${scores.join(' | ')} | ${metrics.join(' | ')} |`);
}
lines.push('');
lines.push('Interactions (timespans, with the preset\'s throttling applied in the browser: 4× CPU slowdown on mobile):');
lines.push('');
lines.push('| interaction | preset | INP ms | TBT ms | CLS | KB transferred |');
lines.push('|---|---|---:|---:|---:|---:|');
for (const [preset, name, lhrs] of timespans) {
  const figure = (id, decimals) => format(median(lhrs.map((l) => metricValue(l, id))), decimals);
  lines.push(`| ${name} | ${preset} | ${figure('interaction-to-next-paint', 0)} | ${figure('total-blocking-time', 0)} | ${figure('cumulative-layout-shift', 3)} | ${figure('total-byte-weight', 1)} |`);
}
lines.push('');
lines.push(`What Lighthouse flagged (audits under 0.9 in at least one run, "n/${runs}" = in how many; first run's details):`);
for (const [preset, name, lhrs] of [...navigations, ...timespans]) {
  const counted = new Map();
  for (const lhr of lhrs) {
    for (const [id, finding] of findings(lhr)) {
      const seen = counted.get(id) ?? { ...finding, runs: 0 };
      seen.runs += 1;
      counted.set(id, seen);
    }
  }
  if (counted.size === 0) continue;
  lines.push('');
  lines.push(`- **${name}, ${preset}**`);
  const sorted = [...counted.entries()].sort((a, b) => b[1].weight - a[1].weight);
  for (const [id, f] of sorted) {
    const more = details(f.audit);
    lines.push(`  - ${f.category}: ${f.title}${f.display ? ` — ${f.display}` : ''} (\`${id}\`, ${f.runs}/${runs})${more ? `: ${more}` : ''}`);
  }
}

console.log(lines.join('\n'));

/** Runs a measurement, or says why it failed: the tables above are printed already. */
async function measured(what, body) {
  console.error(`==> ${what}`);
  try {
    return await body();
  } catch (error) {
    console.error(`    failed: ${error.message}`);
    return [`(${what}: failed, ${error.message})`];
  }
}

const shifts = await measured('layout shifts, phone-sized, CPU 4× slower', async () => [
  '',
  'Layout shifts on a 412 px wide page with the CPU 4× slower (one load each from an empty cache, the sum',
  'of every shift; the largest shifts with what moved):',
  '',
  '| screen | CLS | largest shifts |',
  '|---|---:|---|',
  ...(await layoutShifts(endpoint)),
]);
console.log(shifts.join('\n'));

const wire = await measured('bytes on the wire: a first and a repeat visit to the endpoint table', async () => {
  const { first, repeat } = await wireBytes();
  return [
    '',
    wireTable('First visit to `/endpoints` (signed in, empty cache):', first),
    '',
    wireTable('Repeat visit (the same tab, navigating to it again):', repeat),
  ];
});
console.log(wire.join('\n'));
