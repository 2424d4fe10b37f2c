// The one way the package tests open their pages in a browser, so that engines plug in:
// withBrowser(engine, use) starts the engine, gives `use` an open(url) whose pages answer
// call(name, arg) (awaits globalThis[name](arg) in the page), and closes the engine.
import {chromium} from 'playwright-core';

export const engines = ['chromium'];

export async function withBrowser(engine, use) {
  if (engine !== 'chromium') throw new Error(`no such engine: ${engine}`);
  const browser = await chromium.launch({
    executablePath: process.env.VETO_CHROMIUM ?? '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']});
  try {
    return await use({
      async open(url) {
        const page = await browser.newPage();
        const errors = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(url);
        return {
          errors,
          async call(name, arg) {
            await page.waitForFunction((n) => typeof globalThis[n] === 'function', name, {timeout: 30000});
            return page.evaluate(([n, a]) => globalThis[n](a), [name, arg]);
          },
          close: () => page.close(),
        };
      },
    });
  } finally {
    await browser.close();
  }
}
