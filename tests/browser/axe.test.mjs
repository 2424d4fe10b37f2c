// axe-core finds no violations in the page's states, left-to-right and right-to-left,
// nor on the receipt; in every engine.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {axeViolations, inEachEngine, openPage} from './harness.mjs';
import {STATES} from './states.mjs';

inEachEngine({}, (env) => {
  for (const dir of ['ltr', 'rtl']) {
    for (const [name, enter] of Object.entries(STATES)) {
      // Right-to-left in one state (the fullest, with the summary) outside Chromium: the
      // mirrored layout is what differs by engine there.
      if (dir === 'rtl' && env.engine !== 'chromium' && name !== 'invalid') continue;
      test(`axe: ${name} (${dir})`, async () => {
        const page = await openPage(env.browser, env.server.url, 'en');
        try {
          if (dir === 'rtl') await page.evaluate(() => { document.documentElement.dir = 'rtl'; });
          await enter(page);
          assert.deepEqual(await axeViolations(page), []);
          if (dir === 'rtl') {
            // Logical properties mirror the layout: the messages' bar sits on the right.
            const side = await page.evaluate(() => {
              const input = document.getElementById('email').getBoundingClientRect();
              const label = document.querySelector('label[for="email"] span').getBoundingClientRect();
              return Math.abs(label.right - input.right) < Math.abs(label.left - input.left) ? 'right' : 'left';
            });
            assert.equal(side, 'right');
          }
        } finally {
          await page.close();
        }
      });
    }
  }

  test('axe: the receipt after sending', async () => {
    const page = await openPage(env.browser, env.server.url, 'en');
    await STATES.valid(page);
    await page.click('#submit');
    await page.waitFor(() => document.querySelector('#receipt:not([hidden])'));
    assert.deepEqual(await axeViolations(page), []);
    await page.close();
  });
});
