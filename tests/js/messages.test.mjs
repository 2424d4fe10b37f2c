// createValidator({messages}): an integrator's templates per code and locale, through the
// Wasm module's JS API (docs/contract.md §7.5).
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {moduleUrl} from './paths.mjs';

const {createValidator} = await import(moduleUrl);
const because = 'Meta must not train its AI on my posts.';
const form = {email: 'anna@gmial.com', country: 'US', justification: because};

test('templates replace the message of their code in their locale, and only there', async () => {
  const messages = {
    'email.typo': {de: 'Vielleicht {suggestion}?'},
    'country.not_eligible': {en: '{country}: {country, select, US {not in Europe} other {not eligible}}.'},
  };
  for (const given of [messages, JSON.stringify(messages)]) {
    const de = await createValidator({locale: 'de-AT', messages: given});
    const r = de.validate(form);
    assert.equal(r.locale, 'de');
    assert.equal(r.fields.email.warnings[0].message, 'Vielleicht anna@gmail.com?');
    assert.deepEqual(r.fields.email.warnings[0].params, {suggestion: 'anna@gmail.com'});
    assert.match(r.fields.country.errors[0].message, /^Dieses Formular/);  // the catalog's
    assert.equal(de.validateField('email', 'anna@gmial.com').warnings[0].message, 'Vielleicht anna@gmail.com?');
    de.dispose();
    const en = await createValidator({messages: given});
    assert.equal(en.validate(form).fields.country.errors[0].message, 'US: not in Europe.');
    assert.equal(en.validate(form).fields.email.warnings[0].message, 'Did you mean anna@gmail.com?');
    en.dispose();
  }
});

test('templates go with a given ruleset, and plural forms follow the locale', async () => {
  const v = await createValidator({
    locale: 'pl',
    ruleset: {id: 't', version: 1, fields: [{name: 't', kind: 'text', min_graphemes: 10000}]},
    messages: {'text.too_short': {pl: '{actual, plural, one {# znak} few {# znaki} many {# znaków} other {# znaku}} z {min}'}},
  });
  assert.deepEqual([1, 3, 5].map((n) => v.validateField('t', 'a'.repeat(n)).errors[0].message),
                   ['1 znak z 10\u00a0000', '3 znaki z 10\u00a0000', '5 znaków z 10\u00a0000']);
  v.dispose();
});

test('a refused template rejects with the message naming code, locale and problem', async () => {
  const refusals = [
    [{'email.typo': {de: 'Meinten Sie {sugestion}?'}},
     'veto: messages["email.typo"]["de"]: byte 12: unknown placeholder {sugestion}; email.typo has {suggestion}'],
    [{'email.tpyo': {de: 'x'}}, 'veto: messages["email.tpyo"]: not a code veto reports (docs/contract.md §7.5)'],
    [{'email.typo': {'de-AT': 'x'}}, /^veto: messages\["email.typo"\]\["de-AT"\]: not a locale veto has messages for \(bg .* sv\)$/],
    [{'too_long': {en: '{max, plural, one {#}}'}}, 'veto: messages["too_long"]["en"]: byte 21: plural needs an other {...} choice'],
    [{'required': {en: 7}}, 'veto: messages["required"]["en"]: must be a string'],
    [[], 'veto: messages: must be a JSON object {"code": {"locale": "template"}}'],
    ['{"required":', 'veto: messages: not valid JSON'],
  ];
  for (const [messages, expected] of refusals) {
    await assert.rejects(createValidator({messages}), {message: expected}, JSON.stringify(messages));
  }
  // The ruleset is checked after the templates, each with its own message.
  await assert.rejects(createValidator({ruleset: '{}', messages: {}}), {message: /^veto: id/});
  // A validator made after a refusal works.
  const v = await createValidator({messages: {}});
  assert.equal(v.validate(form).fields.email.warnings[0].message, 'Did you mean anna@gmail.com?');
});
