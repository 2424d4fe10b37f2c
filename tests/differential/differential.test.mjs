// The same lines through the native CLI and through the Wasm module's validateJson must
// give byte-identical results, line for line (docs/contract.md: both builds agree), in every locale.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {readdirSync, readFileSync} from 'node:fs';
import {test} from 'node:test';

import {cli, moduleUrl} from '../js/paths.mjs';
import {cliResults, makeCorpus} from './corpus.mjs';

const count = Number(process.env.VETO_DIFF_LINES ?? 12000);
// veto's locales: one catalog each in src/data/messages/.
const catalogs = new URL('../../src/data/messages/', import.meta.url);
const locales = readdirSync(catalogs).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

test(`native CLI and Wasm validateJson agree on ${count} generated lines in ${locales.length} locales`, async () => {
  const entries = makeCorpus(count);
  const {createValidator} = await import(moduleUrl);
  let mismatches = 0;
  const kinds = {string: 0, bytes: 0, valid: 0, invalid: 0};
  // Line i is checked in locale i mod 26: every locale sees every kind of input.
  for (const [index, locale] of locales.entries()) {
    const mine = entries.filter((_, i) => i % locales.length === index);
    const nativeLines = cliResults(cli, locale, mine);
    const v = await createValidator({locale});
    mine.forEach((entry, i) => {
      // Valid text goes in as a JS string (lone surrogates too), the rest as bytes.
      kinds[entry.text === undefined ? 'bytes' : 'string']++;
      const wasm = v.validateJson(entry.text ?? entry.bytes);
      const result = JSON.parse(wasm);
      assert.equal(result.locale, locale);
      kinds[result.valid ? 'valid' : 'invalid']++;
      if (wasm !== nativeLines[i] && mismatches++ < 5) {
        console.error(`${locale} line ${i + 1} differs\n input: ${entry.bytes.toString('hex').slice(0, 400)}\n` +
                      ` native: ${nativeLines[i].slice(0, 400)}\n wasm:   ${wasm.slice(0, 400)}`);
      }
    });
    v.dispose();
  }
  console.log(`# differential: ${entries.length} lines in ${locales.length} locales (${kinds.string} as strings, ` +
              `${kinds.bytes} as bytes; ${kinds.valid} valid, ${kinds.invalid} invalid)`);
  assert.equal(mismatches, 0, `${mismatches} lines differ`);
  assert.ok(kinds.valid > count / 20 && kinds.invalid > count / 4, 'the corpus has both kinds');
});

test('native `veto countries` and Wasm countries() agree in all 26 locales', async () => {
  const {createValidator} = await import(moduleUrl);
  const v = await createValidator();
  for (const locale of locales) {
    const native = spawnSync(cli, ['countries', '--locale', locale]).stdout.toString().trimEnd();
    assert.equal(JSON.stringify(v.countries(locale)), native, locale);
  }
});

test('every libphonenumber example number gets the same answer from both builds', async () => {
  const {createValidator} = await import(moduleUrl);
  const v = await createValidator();
  const examples = readFileSync(new URL('../vectors/phone-examples.txt', import.meta.url), 'utf8')
                       .split('\n').filter(Boolean).map((line) => line.split('\t'));
  const lines = examples.flatMap(([region, , national, e164]) => [
    JSON.stringify({country: region, phone: national}), JSON.stringify({phone: e164}),
    JSON.stringify({country: 'DE', phone: e164})]);
  const native = spawnSync(cli, ['validate'], {input: lines.join('\n') + '\n', maxBuffer: 1 << 26});
  const nativeLines = native.stdout.toString().split('\n').filter(Boolean);
  assert.equal(nativeLines.length, lines.length);
  const differing = lines.filter((line, i) => v.validateJson(line) !== nativeLines[i]);
  assert.deepEqual(differing, []);
  assert.ok(examples.length > 250);
});
