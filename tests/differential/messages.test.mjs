// The same message templates give byte-identical results natively (`veto validate
// --messages FILE`) and in the Wasm module (createValidator({messages})): every code in
// every locale replaced by another locale's catalog pattern (so plural forms, selects and
// the locale's digits all run on foreign text), and hand-written templates that use each
// part of the syntax.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'node:test';

import {cli, moduleUrl} from '../js/paths.mjs';
import {makeCorpus} from './corpus.mjs';

const count = Number(process.env.VETO_DIFF_MESSAGE_LINES ?? 2600);
const catalogs = new URL('../../src/data/messages/', import.meta.url);
const locales = readdirSync(catalogs).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
const catalog = Object.fromEntries(locales.map((l) => [l, JSON.parse(readFileSync(new URL(`${l}.json`, catalogs)))]));

// Locale i's messages are locale i+1's patterns.
const rotated = {};
for (const [i, locale] of locales.entries()) {
  const donor = catalog[locales[(i + 1) % locales.length]];
  for (const [code, pattern] of Object.entries(donor)) (rotated[code] ??= {})[locale] = pattern;
}
// English ones written by hand: exact values, nested arguments, quotes, select on tokens.
const handWritten = {
  'too_long': {en: "{actual, plural, =65537 {one over} other {{max, plural, one {#} other {# max}} < #}} '{x}' quoted, it''s"},
  'email.local_char': {en: "'{'{char}'}'"},
  'email.domain_invalid': {en: '{reason, select, leading_hyphen {-x} disallowed {bad char} other {{reason}}}'},
  'text.too_short': {en: '{min, number} {min, number, integer} {actual, plural, zero {none} one {one} few {few} other {#}}'},
  'unknown_field': {en: '#{field}#'},
  'form.encoding': {en: 'offset {offset, plural, =0 {start} other {#}}'},
};

async function compare(name, messages, lineCount, pickLocale) {
  const entries = makeCorpus(lineCount, 20261207);
  const {createValidator} = await import(moduleUrl);
  const dir = mkdtempSync(path.join(tmpdir(), 'veto-diff-messages-'));
  let compared = 0;
  const differing = [];
  try {
    const file = path.join(dir, 'messages.json');
    writeFileSync(file, JSON.stringify(messages));
    const groups = new Map();
    entries.forEach((entry, i) => {
      const locale = pickLocale(i);
      if (!groups.has(locale)) groups.set(locale, []);
      groups.get(locale).push(entry);
    });
    for (const [locale, mine] of groups) {
      const input = path.join(dir, `${locale}.jsonl`);
      writeFileSync(input, Buffer.concat(mine.flatMap((e) => [e.bytes, Buffer.from('\n')])));
      const native = spawnSync(cli, ['validate', '--locale', locale, '--messages', file, input],
                               {maxBuffer: 1 << 30});
      assert.ok(native.status === 0 || native.status === 1, native.stderr.toString());
      const lines = native.stdout.toString('utf8').split('\n');
      assert.equal(lines.pop(), '');
      assert.equal(lines.length, mine.length);
      const v = await createValidator({locale, messages});
      mine.forEach((entry, i) => {
        const wasm = v.validateJson(entry.text ?? entry.bytes);
        compared++;
        if (wasm !== lines[i]) differing.push(`${locale}: ${entry.bytes.toString('hex').slice(0, 200)}`);
      });
      v.dispose();
    }
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
  console.log(`# differential messages (${name}): ${compared} lines, ${differing.length} differ`);
  assert.deepEqual(differing.slice(0, 5), []);
  return compared;
}

test('every code in every locale with another locale\'s pattern: native and Wasm agree', async () => {
  // The templates are used: German messages are now the Greek catalog's.
  const {createValidator} = await import(moduleUrl);
  const v = await createValidator({locale: 'de', messages: rotated});
  assert.equal(v.validate({email: 'x'}).fields.email.errors[0].message, catalog.el['email.no_at']);
  v.dispose();
  assert.equal(await compare('rotated catalogs', rotated, count, (i) => locales[i % locales.length]), count);
});

test('hand-written templates: native and Wasm agree, and they are used', async () => {
  await compare('hand-written', handWritten, 400, () => 'en');
  const {createValidator} = await import(moduleUrl);
  const v = await createValidator({messages: handWritten});
  const r = v.validate({email: 'a@-x.de', x: 1, justification: 'ab'});
  assert.equal(r.fields.email.errors[0].message, '-x');
  assert.equal(r.form.warnings[0].message, '#x#');
});
