// Writes docs/screenshots/{empty,invalid,valid}.png from the running page (not a test), in
// Chromium only: the pictures in the docs come from one engine, so that they change only
// when the page does.
//   VETO_SERVER=... node tests/browser/screenshots.mjs
import path from 'node:path';
import {mkdirSync} from 'node:fs';
import {launch} from './engines.mjs';
import {openPage, root, startServer} from './harness.mjs';
import {STATES} from './states.mjs';

const out = path.join(root, 'docs/screenshots');
mkdirSync(out, {recursive: true});
const server = await startServer();
const browser = await launch('chromium');
try {
  for (const [name, enter] of Object.entries(STATES)) {
    const page = await openPage(browser, server.url, 'en');
    await page.raw.setViewportSize({width: 900, height: 900});  // Playwright's page (device scale 1)
    await enter(page);
    await page.evaluate(() => document.activeElement?.blur());
    await page.raw.screenshot({path: path.join(out, `${name}.png`), fullPage: true});
    await page.close();
    console.log(`wrote docs/screenshots/${name}.png`);
  }
} finally {
  await browser.close();
  await server.stop();
}
