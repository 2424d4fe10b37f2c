// Live validation on the page, in every engine: each kind of invalid input shows the
// validator's own message in the page's language, the typo fix, the confusable explanation,
// the grapheme counter, and switching the language without a reload. Following
// navigator.languages is checked in Chromium only: only Playwright sets a page's languages
// (Firefox takes them from a preference at launch, WebKitWebDriver not at all).
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {attribute, expectedMessages, fill, focusedId, inEachEngine, launchBrowser, openPage, pageErrors, press,
        referenceValidator, select, shownMessages, startServer, text, value} from './harness.mjs';
import {selectedEngines} from './engines.mjs';

// [field, value typed, the code it must show]; phone cases are read against Austria.
const CASES = [
  ['email', 'anna.example.com', 'email.no_at'],
  ['email', 'anna..b@example.com', 'email.local_dot'],
  ['email', 'anna@example', 'email.domain_no_dot'],
  ['email', 'anna@host.test', 'email.special_use'],
  ['email', 'anna@-example.com', 'email.domain_invalid'],
  ['phone', 'abc', 'phone.invalid'],
  ['phone', '0900 123456', 'phone.type'],
  ['phone', '+1 202 456 1111', 'phone.region_mismatch'],
  ['justification', 'too short', 'text.too_short'],
  ['justification', 'aaaaaaaaaaaaaaaaaaaaaaaa aaa aaa', 'text.not_meaningful'],
  ['justification', 'Meta must not \u202Etrain on my posts please', 'text.forbidden_char'],
  ['details', 'x'.repeat(10001), 'text.too_long'],
];

inEachEngine({}, (env) => {
  // The wording in each locale is the module's, the same in every engine (module.test.mjs):
  // three locales in Chromium, one in the others, which check how the page shows it.
  for (const locale of env.engine === 'chromium' ? ['en', 'de', 'pl'] : ['de']) {
    describe(`messages in ${locale}`, () => {
      let page;
      before(async () => {
        page = await openPage(env.browser, env.server.url, locale);
        await select(page, '#country', 'AT');
      });
      after(() => page.close());

      for (const [field, value, code] of CASES) {
        test(`${field} ${JSON.stringify(value.slice(0, 30))} shows ${code}`, async () => {
          await fill(page, `#${field}`, value);
          await press(page, `#${field}`, 'Tab');
          const reference = (await referenceValidator(locale)).validateField(field, value, {country: 'AT'});
          const shown = await shownMessages(page, field);
          assert.ok(shown.some((m) => m.code === code), `${code} among ${JSON.stringify(shown)}`);
          assert.deepEqual(shown, expectedMessages(reference));
          const invalid = reference.errors.length > 0;
          assert.equal(await attribute(page, `#${field}`, 'aria-invalid'), String(invalid));
          await fill(page, `#${field}`, '');
        });
      }

      test('a required field left empty after a change says so', async () => {
        await fill(page, '#email', 'a');
        await fill(page, '#email', '');
        await press(page, '#email', 'Tab');
        const reference = (await referenceValidator(locale)).validateField('email', '');
        assert.deepEqual(await shownMessages(page, 'email'), expectedMessages(reference));
      });

      test('no page errors', async () => assert.deepEqual(await pageErrors(page), []));
    });
  }

  describe('warnings and the counter', () => {
    let page;
    before(async () => {
      page = await openPage(env.browser, env.server.url, 'en');
    });
    after(() => page.close());

    test('the typo fix replaces the address with one click and the warning goes', async () => {
      await fill(page, '#email', 'anna@gmial.com');
      await press(page, '#email', 'Tab');
      assert.deepEqual((await shownMessages(page, 'email')).map((m) => m.code), ['email.typo']);
      await page.click('#email-messages button.fix');
      assert.equal(await value(page, '#email'), 'anna@gmail.com');
      assert.deepEqual(await shownMessages(page, 'email'), []);
      assert.equal(await focusedId(page), 'email');
    });

    test('the confusable warning comes with its explanation', async () => {
      await fill(page, '#email', 'anna@gm\u0430il.com');
      await press(page, '#email', 'Tab');
      assert.deepEqual((await shownMessages(page, 'email')).map((m) => m.code), ['email.confusable']);
      const explanation = await text(page, '#email-messages .explain');
      const en = (await import('../../web/i18n/en.json', {with: {type: 'json'}})).default;
      assert.equal(explanation, en['confusable.explain']);
    });

    test('the counter shows the validator\'s grapheme count', async () => {
      const typed = 'e\u0301'.repeat(25) + ' 👩‍👩‍👧 and 🇦🇹 count once';
      await fill(page, '#justification', typed);
      const {graphemes} = (await referenceValidator('en')).validateField('justification', typed).info;
      assert.ok(graphemes < typed.length);  // graphemes, not UTF-16 code units
      assert.equal(await text(page, '#justification-counter'), `${graphemes} of 5,000 characters`);
    });

    test('the counter writes numbers as the messages beside it do (hu: 5 000, not the browser\'s 5000)', async () => {
      const hu = await openPage(env.browser, env.server.url, 'hu');
      const typed = 'ab '.repeat(2000);
      await fill(hu, '#justification', typed);
      await press(hu, '#justification', 'Tab');
      const reference = await referenceValidator('hu');
      const {info, errors} = reference.validateField('justification', typed);
      const catalog = (await import('../../web/i18n/hu.json', {with: {type: 'json'}})).default;
      const max = reference.formatInteger(5000);
      assert.equal(max, '5\u00a0000');
      assert.equal(await text(hu, '#justification-counter'), catalog['justification.counter']
          .replace('{count}', reference.formatInteger(info.graphemes)).replace('{max}', max));
      assert.ok(errors[0].message.includes(max), errors[0].message);
      assert.deepEqual(await pageErrors(hu), []);
      await hu.close();
    });

    test('switching the language re-localizes the page and the messages shown', async () => {
      await fill(page, '#justification', 'too short');
      await press(page, '#justification', 'Tab');
      await select(page, '#locale', 'de');
      await page.waitFor(() => document.documentElement.lang === 'de');
      const reference = (await referenceValidator('de')).validateField('justification', 'too short');
      await page.waitFor((message) => document.querySelector('#justification-messages .msg')?.textContent === message,
                         reference.errors[0].message);
      assert.deepEqual(await shownMessages(page, 'justification'), expectedMessages(reference));
      // Country names come from the validator in the new language.
      assert.equal(await text(page, '#country option[value="AT"]'), 'Österreich');
      assert.equal(await page.evaluate(() => new URL(location.href).searchParams.get('lang')), 'de');
      // The choice is remembered: a new page of this browser starts in German.
      const again = await env.browser.newPage();
      await again.goto(env.server.url);
      await again.waitFor(() => document.documentElement.lang === 'de');
      await again.close();
    });
  });
});

if (selectedEngines().includes('chromium')) {
  test('chromium: without a choice the page follows navigator.languages', async () => {
    const server = await startServer();
    const browser = await launchBrowser();
    try {
      // Accept-Language says English; navigator.languages (from the context locale) French.
      const context = await browser.newContext({locale: 'fr-FR'});
      const page = await context.newPage();
      await page.setExtraHTTPHeaders({'accept-language': 'en'});
      await page.goto(server.url);
      await page.waitForFunction(() => document.documentElement.lang === 'fr');
      assert.equal(await page.inputValue('#locale'), 'fr');
    } finally {
      await browser.close();
      await server.stop();
    }
  });
}
