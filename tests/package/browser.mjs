// The one way the package tests open their pages, so that engines plug in: openBrowser(engine)
// starts one browser of the engine; its open(url) gives a page whose call(name, arg) awaits
// globalThis[name](arg) in the page, once the page has defined it. The engines themselves
// are tests/browser/engines.mjs's (launch, newPage, goto, evaluate, waitFor).
import {chromium} from 'playwright-core';

export const engines = ['chromium'];

// Chromium through the same interface as tests/browser/engines.mjs's launch().
async function launch(engine) {
  if (engine !== 'chromium') throw new Error(`unknown engine ${engine}`);
  const browser = await chromium.launch({
    executablePath: process.env.VETO_CHROMIUM ?? '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']});
  return {
    async newPage() {
      const page = await browser.newPage();
      return {
        goto: async (url) => { await page.goto(url); },
        evaluate: (fn, ...args) => page.evaluate(([source, a]) => (0, eval)(`(${source})`)(...a), [fn.toString(), args]),
        waitFor: (fn, ...args) => page.waitForFunction(([source, a]) => (0, eval)(`(${source})`)(...a), [fn.toString(), args]),
        close: () => page.close(),
      };
    },
    close: () => browser.close(),
  };
}

export async function openBrowser(engine) {
  const browser = await launch(engine);
  return {
    async open(url) {
      const page = await browser.newPage();
      await page.goto(url);
      return {
        async call(name, arg) {
          await page.waitFor((n) => typeof globalThis[n] === 'function', name);
          return page.evaluate((n, a) => globalThis[n](a), name, arg);
        },
        close: () => page.close(),
      };
    },
    close: () => browser.close(),
  };
}
