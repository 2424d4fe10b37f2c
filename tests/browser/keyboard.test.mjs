// A valid objection completed with the keyboard alone, through a failed first attempt (the
// retry must reuse the Idempotency-Key) to the receipt; and the submit-time behaviour:
// summary, focus on the first invalid field, the server's 422 messages shown; in every
// engine. The page's POSTs are answered inside the page (interceptObjections in harness.mjs).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {attribute, fill, focusedId, inEachEngine, interceptObjections, openPage, pageErrors, referenceValidator,
        select, sentObjections, shownMessages, summaryLinks, text, value, visible} from './harness.mjs';

const en = (await import('../../web/i18n/en.json', {with: {type: 'json'}})).default;

// Tab to the next stop. WebKitGTK 2.50 stops on the form's hidden idempotency_key input
// between the language select and the email field (measured here, with the page's scripts
// on and off; a small page with the same controls does not show it): there, Tab once more.
async function tab(page) {
  await page.keyboard.press('Tab');
  if (page.engine === 'webkit' && await page.evaluate(() => document.activeElement?.type === 'hidden')) {
    await page.keyboard.press('Tab');
  }
}

inEachEngine({}, (env) => {
  test('keyboard only: fill in, send, network failure, retry with the same key, receipt', async () => {
    const page = await openPage(env.browser, env.server.url, 'en');
    await interceptObjections(page, ['abort'], 'continue');

    await tab(page);
    assert.equal(await focusedId(page), 'locale');
    await tab(page);
    assert.equal(await focusedId(page), 'email');
    await page.keyboard.type('anna@exämple.de');
    await tab(page);
    assert.equal(await focusedId(page), 'country');
    await page.keyboard.type('Austria');  // the native select's type-ahead
    assert.equal(await value(page, '#country'), 'AT');
    await tab(page);
    assert.equal(await focusedId(page), 'phone');
    await page.keyboard.type('0664 1234567');
    await tab(page);
    assert.equal(await focusedId(page), 'justification');
    await page.keyboard.type('I do not want my posts and photos used to train AI models.');
    await tab(page);
    assert.equal(await focusedId(page), 'details');
    await tab(page);
    assert.equal(await focusedId(page), 'submit');
    for (const field of ['email', 'country', 'phone', 'justification']) {
      assert.deepEqual(await shownMessages(page, field), [], field);
    }

    await page.keyboard.press('Enter');
    await page.waitFor(() => document.getElementById('send-error').textContent !== '');
    assert.equal(await text(page, '#send-error'), en['error.network']);
    assert.equal(await attribute(page, '#send-error', 'role'), 'alert');

    assert.equal(await focusedId(page), 'submit');
    await page.keyboard.press('Enter');
    await page.waitFor(() => document.querySelector('#receipt:not([hidden])'));
    assert.equal(await focusedId(page), 'receipt');
    assert.match(await text(page, '#receipt-number'), /\S/);

    const sent = await sentObjections(page);
    assert.equal(sent.length, 2);
    assert.match(sent[0].key, /^[\x21-\x7e]{1,200}$/);
    assert.equal(sent[1].key, sent[0].key, 'a retry reuses the Idempotency-Key');
    assert.equal(sent[1].body, sent[0].body);
    assert.deepEqual(JSON.parse(sent[0].body), {
      email: 'anna@exämple.de', country: 'AT', phone: '0664 1234567',
      justification: 'I do not want my posts and photos used to train AI models.', details: '',
    });
    assert.deepEqual(await pageErrors(page), []);
    await page.close();
  });

  test('submitting an invalid form: summary with links, focus on the first invalid field', async () => {
    const page = await openPage(env.browser, env.server.url, 'de');
    await fill(page, '#justification', 'zu kurz');
    await page.click('#submit');
    assert.equal(await focusedId(page), 'email');
    const validator = await referenceValidator('de');
    const result = validator.validate({email: '', country: '', phone: '', justification: 'zu kurz', details: ''});
    const links = await summaryLinks(page);
    assert.deepEqual(links.map(([href]) => href), ['#email', '#country', '#justification']);
    assert.ok(links[2][1].endsWith(result.fields.justification.errors[0].message));
    await page.click('#summary a[href="#country"]');
    assert.equal(await focusedId(page), 'country');
    assert.equal(await attribute(page, '#email', 'aria-invalid'), 'true');
    // Corrections show at once, in the field and in the summary.
    await page.keyboard.type('Polen');
    assert.equal(await value(page, '#country'), 'PL');
    await page.keyboard.press('Tab');
    assert.deepEqual(await shownMessages(page, 'country'), []);
    assert.equal(await attribute(page, '#country', 'aria-invalid'), 'false');
    assert.deepEqual((await summaryLinks(page)).map(([href]) => href), ['#email', '#justification']);
    await page.close();
  });

  test('a 422 from the server is shown as the server says', async () => {
    const page = await openPage(env.browser, env.server.url, 'en');
    // The page thinks the form is valid; the server (authoritative) does not.
    const verdict = {valid: false, ruleset: {id: 'x', version: 1}, locale: 'en', fields: {
      email: {valid: false, value: null, errors: [{code: 'email.special_use', params: {}, message: 'Server says no.'}],
              warnings: [], info: {}},
    }, form: {errors: [], warnings: []}};
    await interceptObjections(page, [], {status: 422, body: JSON.stringify({result: verdict})});
    await fill(page, '#email', 'anna@example.com');
    await select(page, '#country', 'FR');
    await fill(page, '#justification', 'Je ne veux pas que mes données servent à entraîner une IA.');
    await page.click('#submit');
    await page.waitFor(() => document.querySelector('#email-messages .msg'));
    assert.deepEqual(await shownMessages(page, 'email'),
                     [{code: 'email.special_use', kind: 'error', message: 'Server says no.'}]);
    assert.equal(await focusedId(page), 'email');
    assert.equal(await visible(page, '#summary'), true);
    await page.close();
  });

  test('a server error is reported in the page\'s language', async () => {
    const page = await openPage(env.browser, env.server.url, 'de');
    await interceptObjections(page, [], {status: 503, body: '{"error":{"code":"http.internal","message":"x"}}'});
    await fill(page, '#email', 'anna@example.com');
    await select(page, '#country', 'DE');
    await fill(page, '#justification', 'Ich widerspreche der Nutzung meiner Daten für KI-Training.');
    await page.click('#submit');
    await page.waitFor(() => document.getElementById('send-error').textContent !== '');
    const de = await page.evaluate(() => fetch('i18n/de.json').then((r) => (r.ok ? r.json() : null)));
    assert.equal(await text(page, '#send-error'), (de ?? en)['error.server']);
    await page.close();
  });
});
