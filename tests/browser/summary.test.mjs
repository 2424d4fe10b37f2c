// The summary at the top of the page joins each field's label and message the way the
// page's catalog says (summary.item, the short FIELD.summary_label), in every locale, as the
// page script draws it after a language switch. The server's no-JavaScript summary is checked the same way for
// every locale in tests/server/page.test.mjs.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {openPage, referenceValidator, serverAndBrowser, webDir} from './harness.mjs';
import {summaryLine} from '../server/server.mjs';

const env = serverAndBrowser({});

test('JS: the summary joins label and message as each locale\'s catalog says', async () => {
  const locales = readdirSync(path.join(webDir, 'i18n')).map((file) => file.slice(0, -'.json'.length));
  assert.equal(locales.length, 26);
  const page = await openPage(env.context, env.server.url, 'en');
  await page.fill('#email', 'anna@example');
  await page.selectOption('#country', 'AT');
  await page.fill('#justification', 'zu kurz');
  await page.click('#submit');
  await page.waitForSelector('#summary a');
  const values = {email: 'anna@example', country: 'AT', phone: '', justification: 'zu kurz', details: ''};
  for (const locale of locales) {
    const catalog = JSON.parse(readFileSync(path.join(webDir, 'i18n', `${locale}.json`), 'utf8'));
    const result = (await referenceValidator(locale)).validate(values);
    const expected = ['email', 'justification'].map((field) =>
      [`#${field}`, summaryLine(catalog, field, result.fields[field].errors[0].message)]);
    await page.selectOption('#locale', locale);
    await page.waitForFunction((line) => document.querySelector('#summary a[href="#justification"]')?.textContent === line,
                               expected[1][1]);
    assert.deepEqual(await page.$$eval('#summary a', (as) => as.map((a) => [a.getAttribute('href'), a.textContent])),
                     expected, locale);
    for (const [, line] of expected) assert.doesNotMatch(line, /[?;\u037E]\s*:/u, `${locale}: ${line}`);

  }
  assert.deepEqual(page.pageErrors, []);
});
