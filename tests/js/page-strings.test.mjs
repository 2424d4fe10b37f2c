// The page strings web/i18n/<locale>.json (docs/page-and-server.md, "Page strings"):
// one catalog per locale of src/data/messages/, each with exactly en.json's keys, plain-text
// values with the same {placeholders} as en.json, and actually translated.
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';

import {projectRoot} from './paths.mjs';

const i18nDir = path.join(projectRoot, 'web/i18n');
const messagesDir = path.join(projectRoot, 'src/data/messages');

const localesIn = (dir) =>
    readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
const load = (locale) => JSON.parse(readFileSync(path.join(i18nDir, `${locale}.json`), 'utf8'));

const locales = localesIn(i18nDir);
const en = load('en');
const catalogs = Object.fromEntries(locales.map((l) => [l, load(l)]));
const enKeys = Object.keys(en).sort();

// Values that may legitimately equal the English one: locale -> keys.
const sameAsEnglish = {
  de: ['optional_marker'],  // "optional" is the usual German word for it
};

const placeholders = (s) => [...s.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]).sort();

test('there is one page catalog per locale of the message catalogs', () => {
  assert.deepEqual(locales, localesIn(messagesDir));
  assert.equal(locales.length, 26);
});

test('en.json itself is well-formed', () => {
  for (const [key, value] of Object.entries(en)) {
    assert.equal(typeof value, 'string', key);
    const names = placeholders(value);
    assert.equal(new Set(names).size, names.length, `${key}: a placeholder appears twice`);
  }
});

for (const locale of locales) {
  test(`${locale}: keys, values and placeholders match en.json`, () => {
    const catalog = catalogs[locale];
    assert.equal(Object.getPrototypeOf(catalog), Object.prototype, 'not a JSON object');
    assert.deepEqual(Object.keys(catalog).sort(), enKeys);
    for (const key of enKeys) {
      const value = catalog[key];
      assert.equal(typeof value, 'string', `${key} is not a string`);
      assert.notEqual(value.trim(), '', `${key} is empty`);
      assert.deepEqual(placeholders(value), placeholders(en[key]), `${key}: placeholders differ`);
      const rest = value.replace(/\{[A-Za-z_][A-Za-z0-9_]*\}/g, '');
      assert.doesNotMatch(rest, /[{}]/, `${key}: stray brace`);
      assert.doesNotMatch(value, /<[A-Za-z/!]|&[A-Za-z#][A-Za-z0-9]*;/, `${key}: looks like HTML`);
      assert.equal(value, value.trim(), `${key}: leading or trailing white space`);
    }
  });

  if (locale !== 'en') {
    test(`${locale}: values are translated`, () => {
      const allowed = new Set(sameAsEnglish[locale] ?? []);
      // A join of placeholders and punctuation only (summary.item) has no words to translate.
      const words = (key) => /\p{L}/u.test(en[key].replace(/\{[A-Za-z_][A-Za-z0-9_]*\}/g, ''));
      const same = enKeys.filter((key) => catalogs[locale][key] === en[key] && words(key) && !allowed.has(key));
      assert.deepEqual(same, [], 'identical to English');
      for (const key of allowed) {
        assert.equal(catalogs[locale][key], en[key], `${key} is allow-listed but no longer identical`);
      }
    });
  }
}

test('the autonyms (language.name) are distinct', () => {
  const names = locales.map((l) => catalogs[l]['language.name']);
  const seen = new Map();
  for (const [i, name] of names.entries()) {
    const key = name.toLocaleLowerCase();
    assert.ok(!seen.has(key), `${locales[i]} and ${seen.get(key)} are both called "${name}"`);
    seen.set(key, locales[i]);
  }
});
