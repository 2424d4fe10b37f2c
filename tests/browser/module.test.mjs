// The Wasm module inside each browser engine gives the native CLI's results byte for byte:
// the page served by veto-server imports its own veto.mjs, validates a bounded part of the
// differential corpus (tests/differential/corpus.mjs: valid and invalid forms, broken JSON
// and UTF-8, lone surrogates, 64 KiB boundaries) in all 26 locales, and every result is
// compared with `veto validate` for the same line. VETO_BROWSER_DIFF_LINES sets the size.
import assert from 'node:assert/strict';
import {readdirSync} from 'node:fs';
import {test} from 'node:test';

import {cli} from '../js/paths.mjs';
import {cliResults, makeCorpus} from '../differential/corpus.mjs';
import {launch, selectedEngines} from './engines.mjs';
import {startServer} from './harness.mjs';

const count = Number(process.env.VETO_BROWSER_DIFF_LINES ?? 520);
// Lines of up to 128 KiB (the 64 KiB boundaries included): the corpus's rare 1 MiB lines
// are 1 in 100 lines but most of its bytes, and cost seconds per engine to carry
// through a driver; tests/differential checks them in Node.
const MAX_LINE = 128 * 1024;
const locales = readdirSync(new URL('../../src/data/messages/', import.meta.url))
  .filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

// Line i in locale i mod 26, as in the differential test; the CLI answers once per locale.
const entries = makeCorpus(count * 2).filter((e) => e.bytes.length <= MAX_LINE).slice(0, count);
const perLocale = locales.map((locale, index) => {
  const mine = entries.filter((_, i) => i % locales.length === index);
  return {locale, mine, native: cliResults(cli, locale, mine)};
});

// Runs in the page: text lines go in as JS strings (lone surrogates survive the trip as
// JSON escapes), the others as bytes (base64); the results come back as JSON text.
async function validateInPage(batches) {
  const {createValidator} = await import(new URL('veto.mjs', document.baseURI));
  const out = [];
  for (const {locale, lines} of batches) {
    const validator = await createValidator({locale});
    out.push(lines.map(([text, base64]) => validator.validateJson(
      text ?? Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)))));
    validator.dispose();
  }
  return JSON.stringify(out);
}

for (const engine of selectedEngines()) {
  test(`${engine}: the Wasm module in the page gives the CLI's bytes for ${count} lines in ${locales.length} locales`, async (t) => {
    const started = Date.now();
    const server = await startServer();
    const browser = await launch(engine).catch(async (error) => { await server.stop(); throw error; });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}?lang=en`);
      const batches = perLocale.map(({locale, mine}) => ({
        locale, lines: mine.map((e) => (e.text !== undefined ? [e.text, null] : [null, e.bytes.toString('base64')])),
      }));
      const loaded = Date.now();
      const results = JSON.parse(await page.evaluate(validateInPage, batches));
      t.diagnostic(`${engine}: started and loaded in ${loaded - started} ms, validated in ${Date.now() - loaded} ms`);
      let mismatches = 0, valid = 0;
      perLocale.forEach(({locale, mine, native}, l) => {
        assert.equal(results[l].length, mine.length, locale);
        results[l].forEach((wasm, i) => {
          valid += JSON.parse(wasm).valid;
          if (wasm !== native[i] && mismatches++ < 5) {
            t.diagnostic(`${locale} line ${i + 1} differs\n native: ${native[i].slice(0, 300)}\n ${engine}: ${wasm.slice(0, 300)}`);
          }
        });
      });
      assert.equal(mismatches, 0, `${mismatches} of ${count} lines differ`);
      assert.ok(valid > count / 20 && valid < count * 3 / 4, `both kinds of line (${valid} valid of ${count})`);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
}
