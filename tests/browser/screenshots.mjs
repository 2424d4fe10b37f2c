// Writes docs/screenshots/{empty,invalid,valid}.png from the running page (not a test):
//   VETO_SERVER=... node tests/browser/screenshots.mjs
import path from 'node:path';
import {mkdirSync} from 'node:fs';
import {launchBrowser, openPage, root, startServer} from './harness.mjs';
import {STATES} from './states.mjs';

const out = path.join(root, 'docs/screenshots');
mkdirSync(out, {recursive: true});
const server = await startServer();
const browser = await launchBrowser();
try {
  const context = await browser.newContext({viewport: {width: 900, height: 900}, deviceScaleFactor: 1});
  for (const [name, enter] of Object.entries(STATES)) {
    const page = await openPage(context, server.url, 'en');
    await enter(page);
    await page.evaluate(() => document.activeElement?.blur());
    await page.screenshot({path: path.join(out, `${name}.png`), fullPage: true});
    await page.close();
    console.log(`wrote docs/screenshots/${name}.png`);
  }
} finally {
  await browser.close();
  await server.stop();
}
