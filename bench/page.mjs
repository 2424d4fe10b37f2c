// Time to first validation of the objection page in headless Chromium, against the real
// veto-server: from navigation start to the first validateField result shown on the page.
// A scripted "person" types an address into the email field as soon as the HTML is parsed
// and leaves it; the page shows the verdict once its Wasm validator is in.
//
//   VETO_SERVER=build/native/server/veto-server node bench/page.mjs [runs]
//
// Writes bench/RESULTS-page.md (Markdown) and prints it.
import {writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {launchBrowser, root, startServer} from '../tests/browser/harness.mjs';

const RUNS = Number(process.argv[2] ?? 7);

// Network profiles for Chromium's emulation (throughput in bytes per second).
const PROFILES = {
  'local (no throttling)': null,
  'fast 4G (40 ms RTT, 9 Mbit/s down)': {latency: 40, downloadThroughput: 9e6 / 8, uploadThroughput: 1.5e6 / 8},
  'slow 4G (150 ms RTT, 1.6 Mbit/s down)': {latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 0.75e6 / 8},
};

// Runs in the page before its own scripts: notes how the Wasm module gets compiled, and
// types into the email field at DOMContentLoaded.
function typeEarly() {
  const {instantiateStreaming, instantiate} = WebAssembly;
  window.wasmCompiledBy = [];
  WebAssembly.instantiateStreaming = (...args) => {
    window.wasmCompiledBy.push('instantiateStreaming');
    return instantiateStreaming(...args);
  };
  WebAssembly.instantiate = (...args) => {
    window.wasmCompiledBy.push('instantiate');
    return instantiate(...args);
  };
  document.addEventListener('DOMContentLoaded', () => {
    const email = document.getElementById('email');
    email.value = 'anna@gmial.com';
    email.dispatchEvent(new Event('input', {bubbles: true}));
  });
}

async function measure(page) {
  await page.waitForFunction(() => performance.getEntriesByName('veto:first-validation').length > 0,
                             null, {timeout: 120000});
  return page.evaluate(() => {
    const [nav] = performance.getEntriesByType('navigation');
    const mark = (name) => performance.getEntriesByName(name)[0]?.startTime;
    const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('/veto.wasm'));
    const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
    return {
      fcp: paint, domContentLoaded: nav.domContentLoadedEventEnd, ready: mark('veto:ready'),
      firstValidation: mark('veto:first-validation'), wasmBytes: wasm?.transferSize,
      wasmEnd: wasm?.responseEnd,
      shown: document.querySelector('#email-messages .msg')?.dataset.code,
      compiledBy: window.wasmCompiledBy?.join(', '),
    };
  });
}

async function run(browser, url, profile, warm) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const warnings = [];
  page.on('console', (message) => { if (/wasm|streaming/i.test(message.text())) warnings.push(message.text()); });
  const cdp = await context.newCDPSession(page);
  if (profile) await cdp.send('Network.emulateNetworkConditions', {offline: false, ...profile});
  let wasmType;
  page.on('response', (response) => {
    if (response.url().endsWith('/veto.wasm')) wasmType = response.headers()['content-type'];
  });
  if (warm) {
    await page.goto(`${url}?lang=en`);  // fills the HTTP cache and Chromium's Wasm code cache
    await page.waitForFunction(() => performance.getEntriesByName('veto:ready').length > 0);
    await page.waitForTimeout(500);
  }
  await page.addInitScript(typeEarly);
  await page.goto(`${url}?lang=en`);
  const figures = await measure(page);
  await context.close();
  if (figures.shown !== 'email.typo') throw new Error(`unexpected verdict shown: ${figures.shown}`);
  return {...figures, wasmType, warnings};
}

const median = (values) => {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN;
};
const ms = (v) => (Number.isFinite(v) ? v.toFixed(0) : '–');

const server = await startServer();
const browser = await launchBrowser();
const rows = [];
let wasmType, wasmBytes, compiledBy, warnings = [];
try {
  for (const [name, profile] of Object.entries(PROFILES)) {
    for (const warm of [false, true]) {
      const results = [];
      for (let i = 0; i < RUNS; i++) results.push(await run(browser, server.url, profile, warm));
      wasmType ??= results[0].wasmType;
      compiledBy ??= results[0].compiledBy;
      if (!warm) wasmBytes ??= results[0].wasmBytes;
      warnings.push(...results.flatMap((r) => r.warnings));
      rows.push(`| ${name} | ${warm ? 'warm (cached)' : 'cold'} | ${ms(median(results.map((r) => r.fcp)))} | ` +
                `${ms(median(results.map((r) => r.domContentLoaded)))} | ${ms(median(results.map((r) => r.wasmEnd)))} | ` +
                `${ms(median(results.map((r) => r.ready)))} | **${ms(median(results.map((r) => r.firstValidation)))}** |`);
      console.error(rows.at(-1));
    }
  }
} finally {
  await browser.close();
  await server.stop();
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const markdown = `### Objection page: time to first validation (headless Chromium)

Made by \`node bench/page.mjs ${RUNS}\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, ${cpu},
Node ${process.version}, ${path.basename(process.env.VETO_CHROMIUM ?? '/usr/bin/chromium')} (Debian), against veto-server
on 127.0.0.1. Median of ${RUNS} page loads per row, each in a fresh browser context; "warm" loads the page once
before measuring, so veto.wasm comes from the HTTP cache (and Chromium's compiled-code cache).

A scripted visitor types \`anna@gmial.com\` into the email field at DOMContentLoaded; "first validation" is
when the page shows the validator's verdict on it (the typo warning), i.e. the page's
\`veto:first-validation\` mark. Times are ms from navigation start. Until then the page is already usable
(server-rendered, localized, with the browser's own checks, and posts without JavaScript).

| network | cache | first paint | DOMContentLoaded | veto.wasm loaded | validator ready | first validation shown |
|---|---|---:|---:|---:|---:|---:|
${rows.join('\n')}

veto.wasm is served as \`${wasmType}\` (${wasmBytes ? `${(wasmBytes / 1024).toFixed(0)} KB transferred` : 'size unknown'}), and Emscripten's loader compiles it
while it downloads: the page called \`${compiledBy}\`${warnings.length ? ` (console: ${[...new Set(warnings)].join('; ')})` : ' (no fallback warning in the console)'}.
The phone metadata set-up is paid later, in idle time (\`requestIdleCallback\` → \`warmUp()\`).
`;
writeFileSync(path.join(root, 'bench/RESULTS-page.md'), markdown);
console.log(markdown);
