// The summary at the top of the page joins each field's label and message the way the
// page's catalog says (summary.item, the short FIELD.summary_label), in every locale, as the
// page script draws it after a language switch; in every engine. The server's no-JavaScript
// summary is checked the same way for every locale in tests/server/page.test.mjs.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {fill, inEachEngine, openPage, pageErrors, referenceValidator, select, summaryLinks, webDir}
  from './harness.mjs';
import {summaryLine} from '../server/server.mjs';

inEachEngine({}, (env) => {
  test('JS: the summary joins label and message as each locale\'s catalog says', async () => {
    const all = readdirSync(path.join(webDir, 'i18n')).map((file) => file.slice(0, -'.json'.length));
    assert.equal(all.length, 26);
    // The lines come from the catalogs, the same in every engine: all 26 locales in Chromium;
    // in the others, how the page redraws them after a switch, in four of them (French's
    // U+202F before the colon, Greek's question mark, Cyrillic, German).
    const locales = env.engine === 'chromium' ? all : ['fr', 'el', 'bg', 'de'];
    for (const locale of locales) assert.ok(all.includes(locale), locale);
    const page = await openPage(env.browser, env.server.url, 'en');
    await fill(page, '#email', 'anna@example');
    await select(page, '#country', 'AT');
    await fill(page, '#justification', 'zu kurz');
    await page.click('#submit');
    await page.waitFor(() => document.querySelector('#summary a'));
    const values = {email: 'anna@example', country: 'AT', phone: '', justification: 'zu kurz', details: ''};
    for (const locale of locales) {
      const catalog = JSON.parse(readFileSync(path.join(webDir, 'i18n', `${locale}.json`), 'utf8'));
      const result = (await referenceValidator(locale)).validate(values);
      const expected = ['email', 'justification'].map((field) =>
        [`#${field}`, summaryLine(catalog, field, result.fields[field].errors[0].message)]);
      await select(page, '#locale', locale);
      await page.waitFor((line) => document.querySelector('#summary a[href="#justification"]')?.textContent === line,
                         expected[1][1]);
      assert.deepEqual(await summaryLinks(page), expected, locale);
      for (const [, line] of expected) assert.doesNotMatch(line, /[?;\u037E]\s*:/u, `${locale}: ${line}`);
    }
    assert.deepEqual(await pageErrors(page), []);
    await page.close();
  });
});
