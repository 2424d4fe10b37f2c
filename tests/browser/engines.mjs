// One small interface over the three browser engines the page and the npm package are tested
// in, each the build Debian ships and driven by a client from npm (the drivers' own browser
// downloads fail here):
//   chromium  /usr/bin/chromium     playwright-core over the DevTools protocol
//   firefox   /usr/bin/firefox-esr  puppeteer-core over WebDriver BiDi (no geckodriver)
//   webkit    WebKitGTK's MiniBrowser, selenium-webdriver talking WebDriver to a
//             WebKitWebDriver started here on a free loopback port (one per launch: it
//             holds one session); MiniBrowser needs an X display, so without DISPLAY an
//             Xvfb of its own is started for it.
//
//   const browser = await launch('firefox');           // or launch(engine, {javaScript: false})
//   const page = await browser.newPage();
//   await page.goto(url);
//   const n = await page.evaluate((a, b) => a + b, 1, 2); // JSON in, JSON out
//   await page.waitFor((id) => document.getElementById(id), 'summary');
//   await page.click('#submit'); await page.keyboard.type('anna'); await page.keyboard.press('Tab');
//   await page.url(); await page.close(); await browser.close();
//   page.engine, page.raw (the driver's own page object, for an engine-specific step)
//
// Everything else a test needs (fill, select, read text) is done with evaluate, so it is the
// same code in every engine. The pages of one browser share cookies and storage, like the
// tabs of one profile. VETO_ENGINES (comma-separated) picks engines; see selectedEngines().
import {spawn} from 'node:child_process';
import {createServer} from 'node:net';

export const ENGINES = ['chromium', 'firefox', 'webkit'];

export const CHROMIUM = process.env.VETO_CHROMIUM ?? '/usr/bin/chromium';
export const FIREFOX = process.env.VETO_FIREFOX ?? '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.VETO_WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env.VETO_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

// How long waitFor() polls before it fails, and how often.
const WAIT_MS = 15000;
const POLL_MS = 25;

/** The engines to test: VETO_ENGINES (e.g. "firefox" or "chromium,webkit"), else all three. */
export function selectedEngines(value = process.env.VETO_ENGINES) {
  if (!value) return ENGINES;
  const chosen = value.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = chosen.filter((name) => !ENGINES.includes(name));
  if (unknown.length || !chosen.length) {
    throw new Error(`VETO_ENGINES=${JSON.stringify(value)}: expected a comma-separated list of ${ENGINES.join(', ')}`);
  }
  return ENGINES.filter((name) => chosen.includes(name));
}

/**
 * Starts `engine` ('chromium', 'firefox' or 'webkit'); resolves to a Browser:
 *   {engine, newPage(): Promise<Page>, close(): Promise<void>}
 * Options: javaScript (default true): false runs pages without their scripts; evaluate
 * still works (the driver's scripts are not the page's), but give it synchronous functions:
 * Firefox settles no promise in such a page.
 */
export async function launch(engine, {javaScript = true} = {}) {
  if (engine === 'chromium') return launchChromium({javaScript});
  if (engine === 'firefox') return launchFirefox({javaScript});
  if (engine === 'webkit') return launchWebKit({javaScript});
  throw new Error(`unknown engine ${JSON.stringify(engine)} (one of ${ENGINES.join(', ')})`);
}

// The one expression every engine evaluates: the function (or function source) applied to
// the JSON arguments, its result as JSON text. Going through JSON.stringify on both sides
// keeps lone surrogates (escaped as \udXXX) and makes undefined/null the same everywhere.
// With `sync`, the function's result is taken as it is (no promise is awaited): in a Firefox
// page with scripts off, promises never settle, not even in the driver's sandbox.
function expression(fnOrSource, args, {sync = false} = {}) {
  const source = typeof fnOrSource === 'function' ? fnOrSource.toString() : fnOrSource;
  // The arguments travel as one string literal for JSON.parse (cheaper to parse than the
  // same data written as an array literal).
  const call = `(${source})(...JSON.parse(${JSON.stringify(JSON.stringify(args))}))`;
  return sync ? `JSON.stringify(${call})` : `(async () => JSON.stringify(await ${call}))()`;
}
const parsed = (json) => (json === undefined || json === null ? undefined : JSON.parse(json));

// What a Page is, given how an engine evaluates an expression, clicks and presses keys.
function makePage(engine, {raw, evaluateExpression, goto, url, click, type, press, close, sync = false}) {
  const page = {
    engine,
    /** The driver's own object (Playwright Page, puppeteer Page, selenium WebDriver), for an
     *  engine-specific step such as the Chromium-only screenshots. */
    raw,
    goto,
    url,
    /** Runs fnOrSource(...args) in the page (awaiting a promise); resolves to its JSON-able result. */
    async evaluate(fnOrSource, ...args) {
      return parsed(await evaluateExpression(expression(fnOrSource, args, {sync})));
    },
    /**
     * Polls fnOrSource(...args) in the page until it is truthy; resolves to that value. An
     * evaluation that fails (as during a navigation) counts as false until the time is up.
     */
    async waitFor(fnOrSource, ...args) {
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        let failure;
        try {
          const value = await page.evaluate(fnOrSource, ...args);
          if (value) return value;
        } catch (error) {
          failure = error;
        }
        if (Date.now() > deadline) {
          throw new Error(`${engine}: still false after ${WAIT_MS} ms: ${String(fnOrSource).slice(0, 300)}` +
                          (failure ? `\n(last evaluation failed: ${failure.message})` : ''));
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    /** A real mouse click in the middle of the first element matching `selector`. */
    click,
    /** Real key events to the focused element: type(text), press(key) with key 'Tab', 'Enter', … */
    keyboard: {type, press},
    close,
  };
  return page;
}

async function launchChromium({javaScript}) {
  const {chromium} = await import('playwright-core');
  const browser = await chromium.launch({executablePath: CHROMIUM, headless: true,
                                         args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']});
  const context = await browser.newContext({javaScriptEnabled: javaScript});
  return {
    engine: 'chromium',
    async newPage() {
      const page = await context.newPage();
      return makePage('chromium', {
        raw: page,
        evaluateExpression: (source) => page.evaluate(source),
        goto: async (url) => { await page.goto(url); },
        url: async () => page.url(),
        click: (selector) => page.click(selector),
        type: (text) => page.keyboard.type(text),
        press: (key) => page.keyboard.press(key),
        close: () => page.close(),
      });
    },
    close: () => browser.close(),
  };
}

async function launchFirefox({javaScript}) {
  const {default: puppeteer} = await import('puppeteer-core');
  // Firefox 153's BiDi has no emulation.setScriptingEnabled: scripts are off by preference.
  const browser = await puppeteer.launch({browser: 'firefox', executablePath: FIREFOX, headless: true,
                                          protocolTimeout: 60000,
                                          extraPrefsFirefox: javaScript ? {} : {'javascript.enabled': false}});
  return {
    engine: 'firefox',
    async newPage() {
      const page = await browser.newPage();
      // With scripts off the page's own realm runs nothing, not even the driver's scripts
      // (script.evaluate never answers); a sandbox realm on the same DOM still runs them,
      // synchronous ones only (isolatedRealm() is puppeteer's, pinned in package.json).
      const realm = () => (javaScript ? page.mainFrame() : page.mainFrame().isolatedRealm());
      const wrapped = makePage('firefox', {
        raw: page,
        sync: !javaScript,
        evaluateExpression: (source) => realm().evaluate(source),
        goto: async (url) => { await page.goto(url, {waitUntil: 'load'}); },
        url: async () => page.url(),
        // Where the element is comes from evaluate, the click from the mouse: puppeteer's own
        // page.click() calls into the page's realm, which never answers with scripts off.
        // The point must hit the element itself and hold still over two looks (a layout
        // still settling under load would otherwise take the click somewhere else).
        async click(selector) {
          const locate = () => wrapped.evaluate((selector) => {
            const element = document.querySelector(selector);
            if (!element) return null;
            element.scrollIntoView({block: 'center', inline: 'center'});
            const box = element.getBoundingClientRect();
            const x = Math.round(box.left + box.width / 2), y = Math.round(box.top + box.height / 2);
            const hit = document.elementFromPoint(x, y);
            return {x, y, hits: Boolean(hit && (hit === element || element.contains(hit)))};
          }, selector);
          const deadline = Date.now() + WAIT_MS;
          let point = await locate();
          for (;;) {
            if (!point) throw new Error(`firefox: no element matches ${selector}`);
            await new Promise((resolve) => setTimeout(resolve, POLL_MS));
            const again = await locate();
            if (again && point.hits && again.hits && again.x === point.x && again.y === point.y) break;
            if (Date.now() > deadline) throw new Error(`firefox: ${selector} is covered or still moving`);
            point = again;
          }
          await page.mouse.click(point.x, point.y);
        },
        type: (text) => page.keyboard.type(text),
        press: (key) => page.keyboard.press(key),
        close: () => page.close(),
      });
      return wrapped;
    },
    close: () => browser.close(),
  };
}

// A port the kernel says is free on 127.0.0.1 (WebKitWebDriver takes no port 0).
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Spawns a child that dies with the test process; its output is kept for error messages.
function spawnChild(command, args, {env, extraFd = false} = {}) {
  const stdio = ['ignore', 'pipe', 'pipe'];
  if (extraFd) stdio.push('pipe');
  const child = spawn(command, args, {env, stdio});
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);  // never outlive the test process
  child.once('exit', () => process.removeListener('exit', kill));
  child.output = '';
  for (const stream of [child.stdout, child.stderr, child.stdio[3]]) {
    stream?.on('data', (chunk) => { child.output = (child.output + chunk).slice(-4000); });
  }
  return child;
}

// Starts a child and resolves to it once `ready(output so far)` is true.
function startProcess(command, args, {env, ready, what, extraFd}) {
  const child = spawnChild(command, args, {env, extraFd});
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${what} did not start: ${child.output}`)); }, 20000);
    const check = () => {
      if (!ready(child.output)) return;
      clearTimeout(timer);
      resolve({child, output: child.output});
    };
    for (const stream of [child.stdout, child.stderr, child.stdio[3]]) stream?.on('data', () => setImmediate(check));
    child.once('error', (error) => { clearTimeout(timer); reject(new Error(`${what}: ${error.message}`)); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited with ${code}: ${child.output}`)); });
  });
}

async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

// The X display MiniBrowser draws on: DISPLAY if there is one (e.g. under xvfb-run),
// else an Xvfb of our own that picks a free display number and tells it on fd 3.
async function display() {
  if (process.env.DISPLAY) return {name: process.env.DISPLAY, stop: async () => {}};
  const {child, output} = await startProcess('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x1024x24'],
                                             {what: 'Xvfb', ready: (text) => /^\d+\n/m.test(text), extraFd: true});
  const number = /^(\d+)\n/m.exec(output)[1];
  return {name: `:${number}`, stop: () => stopProcess(child)};
}

async function launchWebKit({javaScript}) {
  const {Builder, By, Key} = await import('selenium-webdriver');
  const screen = await display();
  let driverProcess, driver;
  try {
    const port = await freePort();
    // It prints nothing when ready: connectWebKit() retries until it answers.
    driverProcess = spawnChild(WEBKIT_DRIVER, [`--port=${port}`, '--host=127.0.0.1'],
                               {env: {...process.env, DISPLAY: screen.name}});
    driver = await connectWebKit(Builder, port, javaScript);
  } catch (error) {
    if (driverProcess) error.message += `\nWebKitWebDriver said: ${driverProcess.output}`;
    if (driverProcess) await stopProcess(driverProcess);
    await screen.stop();
    throw error;
  }
  await driver.manage().setTimeouts({script: 60000, pageLoad: 60000});
  const KEYS = {Tab: Key.TAB, Enter: Key.ENTER, Escape: Key.ESCAPE, Space: Key.SPACE, Backspace: Key.BACK_SPACE,
                ArrowDown: Key.ARROW_DOWN, ArrowUp: Key.ARROW_UP, ArrowLeft: Key.ARROW_LEFT, ArrowRight: Key.ARROW_RIGHT};
  // WebDriver drives one window at a time: each command of a page switches to it first.
  let current = await driver.getWindowHandle();
  let firstUnused = true;  // the session's first window (or the last one left) is free for a page
  const on = async (handle) => {
    if (current !== handle) await driver.switchTo().window(handle);
    current = handle;
  };
  return {
    engine: 'webkit',
    async newPage() {
      let handle;
      if (firstUnused) {
        firstUnused = false;
        handle = current;
      } else {
        await driver.switchTo().newWindow('tab');
        handle = current = await driver.getWindowHandle();
      }
      return makePage('webkit', {
        raw: driver,
        async evaluateExpression(source) {
          await on(handle);
          const [ok, value] = await driver.executeAsyncScript(
            `const done = arguments[arguments.length - 1];
             ${source}.then((json) => done([true, json]), (e) => done([false, String(e) + '\\n' + (e && e.stack || '')]));`);
          if (!ok) throw new Error(`webkit: evaluate failed: ${value}`);
          return value;
        },
        goto: async (url) => { await on(handle); await driver.get(url); },
        url: async () => { await on(handle); return driver.getCurrentUrl(); },
        async click(selector) {
          await on(handle);
          await driver.findElement(By.css(selector)).click();
        },
        async type(text) {
          await on(handle);
          await driver.actions().sendKeys(text).perform();
        },
        async press(key) {
          await on(handle);
          if (!(key in KEYS) && [...key].length !== 1) throw new Error(`webkit: no key named ${key}`);
          await driver.actions().sendKeys(KEYS[key] ?? key).perform();
        },
        async close() {
          await on(handle);
          if ((await driver.getAllWindowHandles()).length === 1) {
            // Closing the last window would end the WebDriver session: keep it, blank, for
            // the next newPage().
            await driver.get('about:blank');
            firstUnused = true;
            return;
          }
          await driver.close();
          current = undefined;
          await on((await driver.getAllWindowHandles())[0]);
        },
      });
    },
    async close() {
      await driver.quit().catch(() => {});
      await stopProcess(driverProcess);
      await screen.stop();
    },
  };
}

// WebKitWebDriver answers on its port a moment after it starts: retry the session briefly.
async function connectWebKit(Builder, port, javaScript) {
  const args = ['--automation'];
  if (!javaScript) args.push('--enable-javascript=false');
  const deadline = Date.now() + 20000;
  for (;;) {
    try {
      return await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities({
        browserName: 'MiniBrowser', 'webkitgtk:browserOptions': {binary: MINIBROWSER, args},
      }).build();
    } catch (error) {
      if (Date.now() > deadline || !/ECONNREFUSED/.test(String(error?.message ?? error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
