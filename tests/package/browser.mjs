// The one way the package tests open their pages, so that every engine of
// tests/browser/engines.mjs (Chromium, Firefox, WebKit; VETO_ENGINES picks) runs them alike:
// openBrowser(engine) starts one browser of the engine; its open(url) shows url and gives a
// page whose call(name, arg) awaits globalThis[name](arg) in the page, once the page has defined it.
import {launch, selectedEngines} from '../browser/engines.mjs';

export const engines = selectedEngines();

// One tab, navigated from page to page: WebDriver ends a WebKit session when its last window
// closes, and a navigation leaves nothing of the page before.
export async function openBrowser(engine) {
  const browser = await launch(engine);
  const page = await browser.newPage();
  return {
    async open(url) {
      await page.goto(url);
      return {
        async call(name, arg) {
          await page.waitFor((n) => typeof globalThis[n] === 'function', name);
          return page.evaluate((n, a) => globalThis[n](a), name, arg);
        },
      };
    },
    close: () => browser.close(),
  };
}
