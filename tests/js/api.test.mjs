// The JS API of the Wasm module (docs/contract.md §6.2), under Node's test runner.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {moduleUrl} from './paths.mjs';

const {createValidator} = await import(moduleUrl);
const v = await createValidator();
const because = 'Meta must not train its AI on my posts.';

test('validate gives the result object of the contract', () => {
  const r = v.validate({email: 'anna@exämple.de', country: 'DE', justification: because});
  assert.equal(r.valid, true);
  assert.deepEqual(Object.keys(r.fields), ['email', 'country', 'phone', 'justification', 'details']);
  assert.deepEqual(r.ruleset, {id: 'ai-training-objection', version: 1});
  assert.equal(r.locale, 'en');
  assert.deepEqual(Object.keys(r.fields.email), ['valid', 'value', 'errors', 'warnings', 'info']);
  assert.equal(r.fields.email.value, 'anna@exämple.de');
  assert.deepEqual(r.fields.email.info,
                   {ascii: 'anna@xn--exmple-cua.de', smtputf8: false, domain_ascii: 'xn--exmple-cua.de'});
  assert.deepEqual(r.form, {errors: [], warnings: []});
});

test('validate and validateJson agree for the same form', () => {
  for (const form of [{email: 'anna@gmial.com'}, {email: ''}, {email: 7, x: null}, {},
                      {email: 'jörg@gmаil.com', extra: [1, 2]}]) {
    assert.deepEqual(v.validate(form), JSON.parse(v.validateJson(JSON.stringify(form))));
  }
});

test('errors carry code, params and an English message', () => {
  const r = v.validate({email: 'anna@example.test'});
  assert.equal(r.valid, false);
  assert.equal(r.fields.email.value, null);
  assert.deepEqual(r.fields.email.errors, [{
    code: 'email.special_use', params: {domain: 'test'},
    message: 'Addresses under .test can’t receive email from the internet; enter your real address.',
  }]);
});

test('a lone surrogate is an encoding error, never silently replaced', () => {
  const doc = JSON.parse(v.validateJson('{"email":"a\ud800@b.de"}'));
  assert.equal(doc.form.errors[0].code, 'form.encoding');
  assert.equal(doc.form.errors[0].params.offset, 11);
  const field = v.validate({email: 'a\udc00b@example.de'}).fields.email;
  assert.equal(field.errors[0].code, 'encoding');
  assert.deepEqual(field.errors[0].params, {offset: 1});
  const paired = v.validate({email: '\ud83d\ude00@example.de'}).fields.email;
  assert.equal(paired.valid, true);
});

test('validateJson takes bytes as they are', () => {
  const bytes = new Uint8Array([0x7b, 0x22, 0x65, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]);
  const r = JSON.parse(v.validateJson(bytes));
  assert.deepEqual(r.form.errors[0].params, {offset: 6});
});

test('non-string members are type errors; undefined members are left out', () => {
  assert.equal(v.validate({email: 42}).fields.email.errors[0].code, 'type');
  assert.equal(v.validate({email: ['a@b.de']}).fields.email.errors[0].code, 'type');
  assert.equal(v.validate({email: undefined}).fields.email.errors[0].code, 'required');
  assert.deepEqual(v.validate({email: 'a@example.org', note: 'x'}).form.warnings.map((w) => w.code),
                   ['unknown_field']);
});

test('a form that is not an object is form.not_object', () => {
  for (const form of [null, [], 'text', 3]) {
    assert.equal(v.validate(form).form.errors[0].code, 'form.not_object');
  }
});

test('countries by code, alias and name in any of the 26 locales, named in the message locale', async () => {
  const german = await createValidator({locale: 'de'});
  const country = (value, validator = v) => validator.validateField('country', value);
  for (const name of ['Deutschland', 'ÖSTERREICH', 'Osterreich', 'polska', '  de ', 'ＤＥ', 'Γερμανία', 'Německo']) {
    assert.equal(country(name).valid, true, name);
  }
  assert.deepEqual(country('Osterreich', german).info, {alpha3: 'AUT', numeric: '040', name: 'Österreich'});
  assert.deepEqual(country('uk').warnings.map((w) => [w.code, w.params]), [['country.alias', {from: 'UK', to: 'GB'}]]);
  assert.equal(country('DDR').value, 'DE');
  const us = country('US', german);
  assert.deepEqual([us.value, us.errors[0].code, us.errors[0].params, us.warnings, us.info],
                   [null, 'country.not_eligible', {country: 'US'}, [],
                    {alpha3: 'USA', numeric: '840', name: 'Vereinigte Staaten'}]);
  for (const junk of ['XK', 'EU', '419', 'ZZ', 'Kongo', 'Czech Republic', '😀']) {
    assert.deepEqual([country(junk).errors[0].code, country(junk).info], ['country.unknown', {}], junk);
  }
  german.dispose();
});

test('validateField checks one field for live feedback', () => {
  const field = v.validateField('email', 'anna@gmial', {});
  assert.equal(field.valid, false);
  assert.equal(field.errors[0].code, 'email.domain_no_dot');
  const typo = v.validateField('email', 'anna@gmial.com');
  assert.equal(typo.valid, true);
  assert.deepEqual(typo.warnings[0].params, {suggestion: 'anna@gmail.com'});
  assert.throws(() => v.validateField('fax', '1'), RangeError);
});

test('a ruleset as object or JSON text; a bad one rejects with the place named', async () => {
  const custom = await createValidator({
    ruleset: {id: 'custom', version: 3, fields: [{name: 'contact', kind: 'email', required: false,
                                                   allow_domain_literal: true}]},
  });
  assert.deepEqual(custom.validate({}).fields.contact, {valid: true, value: null, errors: [],
                                                        warnings: [], info: {}});
  assert.equal(custom.validate({contact: 'a@[192.0.2.1]'}).fields.contact.value, 'a@[192.0.2.1]');
  assert.equal(custom.ruleset.fields[0].allow_quoted_local, false);
  const fromText = await createValidator({ruleset: JSON.stringify(custom.ruleset)});
  assert.deepEqual(fromText.ruleset, custom.ruleset);
  await assert.rejects(createValidator({ruleset: {id: 'x', version: 1, fields: [{name: 'e', kind: 'fax'}]}}),
                       /fields\[0\]\.kind/);
  await assert.rejects(createValidator({ruleset: '{'}), /not valid JSON/);
  custom.dispose();
});

test('the locale is negotiated', async () => {
  const german = await createValidator({locale: 'de-AT'});
  assert.equal(german.validate({}).locale, 'de');
  assert.match(german.validate({}).fields.email.errors[0].message, /^Dieses Feld muss ausgefüllt werden\.$/);
});

test('large inputs grow the module memory and still answer', () => {
  const big = 'a'.repeat(70000);
  assert.equal(v.validate({email: big}).fields.email.errors[0].code, 'too_long');
  const line = JSON.stringify({email: 'b'.repeat(1024 * 1024)});
  assert.equal(JSON.parse(v.validateJson(line)).form.errors[0].code, 'form.too_large');
  assert.equal(v.validate({email: 'ok@example.org', country: 'DE', justification: because}).valid, true);
});

test('phone numbers are parsed with the country as default region', () => {
  v.warmUp();
  const phone = v.validateField('phone', '030 1234567', {country: 'Deutschland'});
  assert.deepEqual(phone, {valid: true, value: '+49301234567', errors: [], warnings: [], info: {
    e164: '+49301234567', international: '+49 30 1234567', national: '030 1234567', region: 'DE',
    type: 'fixed_line'}});
  const abroad = v.validateField('phone', '+33 6 12 34 56 78', {country: 'AT'});
  assert.deepEqual(abroad.warnings.map((w) => [w.code, w.params]), [['phone.region_mismatch', {region: 'FR'}]]);
  assert.equal(v.validateField('phone', '0800 1234567', {country: 'DE'}).errors[0].code, 'phone.type');
  assert.deepEqual(v.validateField('phone', '06 12 34 56 78').errors[0].params, {reason: 'invalid_country_code'});
  assert.deepEqual(v.validateField('phone', '9'.repeat(65536)).errors[0].params, {reason: 'too_long'});
  assert.equal(v.validate({phone: ''}).fields.phone.valid, true);
});

test('countries() lists every assigned country in the locale\'s order, eligible flagged', async () => {
  const german = await createValidator({locale: 'de'});
  const list = german.countries();
  assert.equal(list.length, 249);
  assert.deepEqual(list.slice(0, 3).map((c) => c.code), ['AF', 'EG', 'AX']);
  assert.deepEqual(list.find((c) => c.code === 'NO'), {code: 'NO', name: 'Norwegen', eligible: true});
  assert.equal(list.find((c) => c.code === 'US').eligible, false);
  assert.equal(list.filter((c) => c.eligible).length, 38);
  assert.equal(german.countries('fr').find((c) => c.code === 'DE').name, 'Allemagne');
});

test('memoryBytes reports the linear memory, which stays put across many validations', () => {
  const form = {email: 'anna@gmial.com', country: 'Österreich', phone: '+43 664 1234567',
                justification: because, details: 'Ich widerspreche. 😀'};
  for (let i = 0; i < 200; i++) v.validate(form);  // warm-up: caches and the heap reach size
  const before = v.memoryBytes;
  assert.ok(before > 0 && before % 65536 === 0, `${before} is not a whole number of pages`);
  for (let i = 0; i < 5000; i++) {
    v.validate(form);
    v.validateJson(JSON.stringify(form));
    v.validateField('email', `x${i}@example.org`);
  }
  assert.equal(v.memoryBytes, before);
});
