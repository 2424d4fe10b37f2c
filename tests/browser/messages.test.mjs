// Live validation on the page: each kind of invalid input shows the validator's own message
// in the page's language, the typo fix, the confusable explanation, the grapheme counter,
// and switching the language without a reload.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {expectedMessages, openPage, referenceValidator, serverAndBrowser, shownMessages}
  from './harness.mjs';

const env = serverAndBrowser();

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

for (const locale of ['en', 'de', 'pl']) {
  describe(`messages in ${locale}`, () => {
    let context, page;
    before(async () => {
      context = await env.browser.newContext();
      page = await openPage(context, env.server.url, locale);
      await page.selectOption('#country', 'AT');
    });
    after(() => context.close());

    for (const [field, value, code] of CASES) {
      test(`${field} ${JSON.stringify(value.slice(0, 30))} shows ${code}`, async () => {
        await page.fill(`#${field}`, value);
        await page.press(`#${field}`, 'Tab');
        const reference = (await referenceValidator(locale)).validateField(field, value, {country: 'AT'});
        const shown = await shownMessages(page, field);
        assert.ok(shown.some((m) => m.code === code), `${code} among ${JSON.stringify(shown)}`);
        assert.deepEqual(shown, expectedMessages(reference));
        const invalid = reference.errors.length > 0;
        assert.equal(await page.getAttribute(`#${field}`, 'aria-invalid'), String(invalid));
        await page.fill(`#${field}`, '');
      });
    }

    test('a required field left empty after a change says so', async () => {
      await page.fill('#email', 'a');
      await page.fill('#email', '');
      await page.press('#email', 'Tab');
      const reference = (await referenceValidator(locale)).validateField('email', '');
      assert.deepEqual(await shownMessages(page, 'email'), expectedMessages(reference));
    });

    test('no page errors', () => assert.deepEqual(page.pageErrors, []));
  });
}

describe('warnings and the counter', () => {
  let context, page;
  before(async () => {
    context = await env.browser.newContext();
    page = await openPage(context, env.server.url, 'en');
  });
  after(() => context.close());

  test('the typo fix replaces the address with one click and the warning goes', async () => {
    await page.fill('#email', 'anna@gmial.com');
    await page.press('#email', 'Tab');
    assert.deepEqual((await shownMessages(page, 'email')).map((m) => m.code), ['email.typo']);
    await page.click('#email-messages button.fix');
    assert.equal(await page.inputValue('#email'), 'anna@gmail.com');
    assert.deepEqual(await shownMessages(page, 'email'), []);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'email');
  });

  test('the confusable warning comes with its explanation', async () => {
    await page.fill('#email', 'anna@gm\u0430il.com');
    await page.press('#email', 'Tab');
    assert.deepEqual((await shownMessages(page, 'email')).map((m) => m.code), ['email.confusable']);
    const explanation = await page.textContent('#email-messages .explain');
    const en = (await import('../../web/i18n/en.json', {with: {type: 'json'}})).default;
    assert.equal(explanation, en['confusable.explain']);
  });

  test('the counter shows the validator\'s grapheme count', async () => {
    const text = 'e\u0301'.repeat(25) + ' 👩‍👩‍👧 and 🇦🇹 count once';
    await page.fill('#justification', text);
    const {graphemes} = (await referenceValidator('en')).validateField('justification', text).info;
    assert.ok(graphemes < text.length);  // graphemes, not UTF-16 code units
    assert.equal(await page.textContent('#justification-counter'), `${graphemes} of 5,000 characters`);
  });

  test('switching the language re-localizes the page and the messages shown', async () => {
    await page.fill('#justification', 'too short');
    await page.press('#justification', 'Tab');
    await page.selectOption('#locale', 'de');
    await page.waitForFunction(() => document.documentElement.lang === 'de');
    const reference = (await referenceValidator('de')).validateField('justification', 'too short');
    await page.waitForFunction((message) => document.querySelector('#justification-messages .msg')?.textContent === message,
                               reference.errors[0].message);
    assert.deepEqual(await shownMessages(page, 'justification'), expectedMessages(reference));
    // Country names come from the validator in the new language.
    assert.equal(await page.textContent('#country option[value="AT"]'), 'Österreich');
    assert.equal(await page.evaluate(() => new URL(location.href).searchParams.get('lang')), 'de');
    // The choice is remembered: a new page in this context starts in German.
    const again = await context.newPage();
    await again.goto(env.server.url);
    await again.waitForFunction(() => document.documentElement.lang === 'de');
  });

  test('without a choice the page follows navigator.languages', async () => {
    const context = await env.browser.newContext({locale: 'fr-FR'});
    try {
      const page = await context.newPage();
      // Accept-Language says English; navigator.languages (from the context locale) French.
      await page.setExtraHTTPHeaders({'accept-language': 'en'});
      await page.goto(env.server.url);
      await page.waitForFunction(() => document.documentElement.lang === 'fr');
      assert.equal(await page.inputValue('#locale'), 'fr');
    } finally {
      await context.close();
    }
  });
});
