// Numbers in messages through both builds: counts and limits of every size, written the
// locale's way (CLDR grouping, minimum grouping digits, digits, from the table
// tools/gen-numbers makes), byte-identical from the native CLI and the Wasm module in all 26
// locales. tests/unit/number_format_test.cpp checks the table against ICU 72 itself.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'node:test';

import {cli, moduleUrl} from '../js/paths.mjs';

const locales = ['bg', 'cs', 'da', 'de', 'el', 'en', 'es', 'et', 'fi', 'fr', 'ga', 'hr', 'hu',
                 'is', 'it', 'lt', 'lv', 'mt', 'nb', 'nl', 'pl', 'pt', 'ro', 'sk', 'sl', 'sv'];

// text.too_short names the limit (65536) and the count, text.too_long a limit of 1000 and
// counts above it, text.too_few_words a limit of 65536 words and the count.
const ruleset = {id: 'numbers', version: 1, fields: [
  {name: 'short', kind: 'text', min_graphemes: 65536, max_graphemes: 65536},
  {name: 'long', kind: 'text', max_graphemes: 1000},
  {name: 'words', kind: 'text', max_graphemes: 65536, min_words: 65536},
]};
const lengths = [1, 9, 12, 123, 999, 1000, 1001, 1234, 9999, 10000, 12345, 32767, 54321, 65535];
const lines = lengths.map((n) => JSON.stringify({short: 'a'.repeat(n), long: 'b'.repeat(Math.max(n, 1001)),
                                                words: 'w '.repeat(Math.min(n, 32767))}));

test('counts and limits in messages are formatted identically by both builds in 26 locales', async () => {
  const {createValidator} = await import(moduleUrl);
  const dir = mkdtempSync(path.join(tmpdir(), 'veto-numbers-'));
  const messages = {};
  try {
    const rulesetFile = path.join(dir, 'ruleset.json');
    writeFileSync(rulesetFile, JSON.stringify(ruleset));
    const input = path.join(dir, 'input.jsonl');
    writeFileSync(input, lines.join('\n') + '\n');
    for (const locale of locales) {
      const native = spawnSync(cli, ['validate', '--ruleset', rulesetFile, '--locale', locale, input],
                               {maxBuffer: 1 << 28});
      assert.equal(native.status, 1, native.stderr.toString());
      const nativeLines = native.stdout.toString('utf8').split('\n');
      assert.equal(nativeLines.pop(), '');
      const v = await createValidator({ruleset, locale});
      const wasmLines = lines.map((line) => v.validateJson(line));
      v.dispose();
      assert.deepEqual(wasmLines, nativeLines, locale);
      messages[locale] = wasmLines.map((line) => Object.values(JSON.parse(line).fields)
          .flatMap((field) => field.errors.map((issue) => issue.message)).join('\n')).join('\n');
    }
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
  // What CLDR 42 asks for, spelled out for a few locales (U+00A0 no-break space, U+202F
  // narrow no-break space): the builds agree on the right thing, not just on something.
  const written = {
    en: ['65,536', '12,345', '1,234', '1,000'],
    de: ['65.536', '12.345', '1.234', '1.000'],
    fr: ['65\u202F536', '12\u202F345', '1\u202F234', '1\u202F000'],
    pl: ['65\u00A0536', '12\u00A0345', ' 1234', ' 1000'],    // grouped from five digits
    es: ['65.536', '12.345', ' 1234', ' 1000'],
    pt: ['65\u00A0536', '12\u00A0345', ' 1234', ' 1000'],  // pt_PT; Brazil writes 1.234
  };
  for (const [locale, numbers] of Object.entries(written)) {
    for (const number of numbers) assert.ok(messages[locale].includes(number), `${locale}: ${number}`);
  }
  for (const locale of locales) assert.doesNotMatch(messages[locale], /\d{5}/, `${locale}: an ungrouped number`);
});
