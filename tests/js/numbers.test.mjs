// validator.formatInteger (docs/contract.md §6.2): numbers written as the messages write
// them, for a page's own numbers beside them (the page's character counter).
import assert from 'node:assert/strict';
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';

import {moduleUrl, projectRoot as root} from './paths.mjs';

const {createValidator} = await import(moduleUrl);
const locales = readdirSync(path.join(root, 'src/data/messages')).map((f) => f.slice(0, -'.json'.length));

test('in every locale, the numbers of a message are formatInteger\'s', async () => {
  assert.equal(locales.length, 26);
  const form = {email: 'anna@example.de', country: 'AT', justification: 'ab '.repeat(6000)};
  for (const locale of locales) {
    const validator = await createValidator({locale});
    const [tooLong] = validator.validate(form).fields.justification.errors;
    assert.equal(tooLong.code, 'text.too_long', locale);
    const {max, actual} = tooLong.params;
    assert.ok(tooLong.message.includes(validator.formatInteger(max)), `${locale}: ${tooLong.message}`);
    assert.ok(tooLong.message.includes(validator.formatInteger(actual)), `${locale}: ${tooLong.message}`);
    validator.dispose();
  }
});

test('CLDR 42\'s grouping, the locale negotiated, the whole safe range', async () => {
  const validator = await createValidator({locale: 'hu'});
  assert.equal(validator.formatInteger(5000), '5\u00a0000');  // the browser's newer CLDR: 5000
  assert.equal(validator.formatInteger(5000, 'it-CH'), '5.000');
  assert.equal(validator.formatInteger(5000, 'es'), '5000');   // grouped from five digits
  assert.equal(validator.formatInteger(12345, 'es'), '12.345');
  assert.equal(validator.formatInteger(0, 'xx'), '0');
  assert.equal(validator.formatInteger(Number.MAX_SAFE_INTEGER, 'en'), '9,007,199,254,740,991');
  assert.equal(validator.formatInteger(Number.MIN_SAFE_INTEGER, 'en'), '-9,007,199,254,740,991');
  assert.equal(validator.formatInteger(-(2 ** 32) - 5, 'en'), '-4,294,967,301');
  assert.equal(validator.formatInteger(2 ** 32 + 5, 'de'), '4.294.967.301');
  for (const bad of [1.5, NaN, Infinity, 2 ** 53, '5', 5n, undefined]) {
    assert.throws(() => validator.formatInteger(bad), RangeError, String(bad));
  }
  validator.dispose();
});
