// The JavaScript stack a web developer would otherwise assemble for veto's form, with the
// default ruleset's rules as far as these libraries go:
//   email    validator.js isEmail (options matching the defaults of docs/contract.md §5.2) + the special-use check;
//   country  i18n-iso-countries with the 26 locales of docs/contract.md §7.1 registered: codes
//            (alpha-2, alpha-3, numeric) and standard names in any of them -> alpha-2, then
//            the eligible list;
//   phone    libphonenumber-js with `max` metadata: parse (default region = the country),
//            isValid, getType, allowed types, region mismatch, E.164/international/national;
//   text     Intl.Segmenter: grapheme count, min/max, word count (isWordLike word
//            segments), meaningful check; forbidden characters and NFC in plain JS.
// It returns per-field verdicts shaped like veto's (valid, value, error and warning codes,
// info) but with codes only: no localized messages.
//
// The same file is the browser entry that bench/run.mjs bundles with esbuild (minified ESM)
// to measure the bytes a page would ship: it imports every library and the 26 locales'
// country names, as a page that accepts a country typed in any of veto's languages needs.
// Intl.Segmenter and String.prototype.normalize come with the browser (0 bytes).
import isEmail from 'validator/lib/isEmail.js';
import countries from 'i18n-iso-countries/index.js';
import {parsePhoneNumberWithError, ParseError, isSupportedCountry} from 'libphonenumber-js/max';

import bg from 'i18n-iso-countries/langs/bg.json' with {type: 'json'};
import cs from 'i18n-iso-countries/langs/cs.json' with {type: 'json'};
import da from 'i18n-iso-countries/langs/da.json' with {type: 'json'};
import de from 'i18n-iso-countries/langs/de.json' with {type: 'json'};
import el from 'i18n-iso-countries/langs/el.json' with {type: 'json'};
import en from 'i18n-iso-countries/langs/en.json' with {type: 'json'};
import es from 'i18n-iso-countries/langs/es.json' with {type: 'json'};
import et from 'i18n-iso-countries/langs/et.json' with {type: 'json'};
import fi from 'i18n-iso-countries/langs/fi.json' with {type: 'json'};
import fr from 'i18n-iso-countries/langs/fr.json' with {type: 'json'};
import ga from 'i18n-iso-countries/langs/ga.json' with {type: 'json'};
import hr from 'i18n-iso-countries/langs/hr.json' with {type: 'json'};
import hu from 'i18n-iso-countries/langs/hu.json' with {type: 'json'};
import is from 'i18n-iso-countries/langs/is.json' with {type: 'json'};
import it from 'i18n-iso-countries/langs/it.json' with {type: 'json'};
import lt from 'i18n-iso-countries/langs/lt.json' with {type: 'json'};
import lv from 'i18n-iso-countries/langs/lv.json' with {type: 'json'};
import mt from 'i18n-iso-countries/langs/mt.json' with {type: 'json'};
import nb from 'i18n-iso-countries/langs/nb.json' with {type: 'json'};
import nl from 'i18n-iso-countries/langs/nl.json' with {type: 'json'};
import pl from 'i18n-iso-countries/langs/pl.json' with {type: 'json'};
import pt from 'i18n-iso-countries/langs/pt.json' with {type: 'json'};
import ro from 'i18n-iso-countries/langs/ro.json' with {type: 'json'};
import sk from 'i18n-iso-countries/langs/sk.json' with {type: 'json'};
import sl from 'i18n-iso-countries/langs/sl.json' with {type: 'json'};
import sv from 'i18n-iso-countries/langs/sv.json' with {type: 'json'};

export const locales = [bg, cs, da, de, el, en, es, et, fi, fr, ga, hr, hu, is, it, lt, lv, mt, nb, nl, pl,
                        pt, ro, sk, sl, sv];

// The default ruleset's options (src/data/ruleset.json and the defaults of docs/contract.md §5.2).
const specialUse = ['arpa', 'invalid', 'local', 'localhost', 'onion', 'test'];
const eligible = new Set(('AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE ' +
                          'AX GF GP MQ RE YT MF IS LI NO GB').split(' '));
const allowedTypes = new Set(['FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE', 'VOIP', 'PERSONAL_NUMBER']);
const textRules = {
  justification: {required: true, min_graphemes: 20, max_graphemes: 5000, min_words: 3, require_meaningful: true},
  details: {required: false, min_graphemes: 0, max_graphemes: 10000, min_words: 0, require_meaningful: false},
};
const phoneReasons = {NOT_A_NUMBER: 'not_a_number', INVALID_COUNTRY: 'invalid_country_code',
                      TOO_SHORT: 'too_short', TOO_LONG: 'too_long'};
const isEmailOptions = {
  allow_utf8_local_part: true,   // docs/contract.md §5.2: allow_smtputf8 defaults to true
  require_tld: true, allow_ip_domain: false, allow_display_name: false, allow_underscores: false,
  domain_specific_validation: false, ignore_max_length: false,
};

// A country name's key, as close to docs/contract.md §2.2 rule 1's (NFKC_Casefold, NFD, no nonspacing marks) as
// plain JS gets.
const nameKey = (text) => text.normalize('NFKC').toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '');

let nameIndex;  // name key -> alpha-2, or null when two territories share the name
function buildNameIndex() {
  nameIndex = new Map();
  for (const locale of locales) {
    countries.registerLocale(locale);
    for (const [code, name] of Object.entries(countries.getNames(locale.locale, {select: 'official'}))) {
      const key = nameKey(name);
      const known = nameIndex.get(key);
      nameIndex.set(key, known === undefined || known === code ? code : null);
    }
  }
}
buildNameIndex();

const graphemes = new Intl.Segmenter('en', {granularity: 'grapheme'});
const words = new Intl.Segmenter('en', {granularity: 'word'});

const ok = (value, info = {}, warnings = []) => ({valid: true, value, errors: [], warnings, info});
const fail = (code, params = {}, info = {}) => ({valid: false, value: null, errors: [{code, params}], warnings: [], info});
const absent = {valid: true, value: null, errors: [], warnings: [], info: {}};

function utf8Length(text) {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;  // a surrogate pair: 2 + 2
  }
  return n;
}

// Field hygiene (docs/contract.md §1.3): absent, type, too_long, encoding; else the string.
function hygiene(value, required) {
  if (value === undefined || value === null) return required ? fail('required') : absent;
  if (typeof value !== 'string') return fail('type');
  if (value.length > 65536 / 3 && utf8Length(value) > 65536) return fail('too_long');
  if (!value.isWellFormed()) return fail('encoding');
  if (value.trim() === '') return required ? fail('required') : absent;
  return undefined;
}

export function email(value) {
  const early = hygiene(value, true);
  if (early) return early;
  const text = value.trim();
  if (!isEmail(text, isEmailOptions)) return fail('email.invalid');
  const domain = text.slice(text.lastIndexOf('@') + 1).toLowerCase();
  if (specialUse.some((name) => domain === name || domain.endsWith('.' + name))) return fail('email.special_use');
  return ok(text);
}

// The country's alpha-2 (also when not eligible), or undefined.
export function resolveCountry(value) {
  if (typeof value !== 'string') return undefined;
  const key = value.trim().normalize('NFKC').toLowerCase();
  let code;
  if (/^[a-z]{2}$/.test(key)) code = countries.isValid(key) ? key.toUpperCase() : undefined;
  else if (/^[a-z]{3}$/.test(key)) code = countries.alpha3ToAlpha2(key.toUpperCase());
  else if (/^[0-9]{3}$/.test(key)) code = countries.numericToAlpha2(key);
  else code = nameIndex.get(nameKey(key)) ?? undefined;
  return code ?? undefined;
}

export function country(value, locale = 'en', code = resolveCountry(value)) {
  const early = hygiene(value, true);
  if (early) return early;
  if (!code) return fail('country.unknown');
  const info = {alpha3: countries.alpha2ToAlpha3(code), numeric: countries.alpha2ToNumeric(code),
                name: countries.getName(code, locale)};
  if (!eligible.has(code)) return fail('country.not_eligible', {country: code}, info);
  return ok(code, info);
}

export function phone(value, countryCode) {
  const early = hygiene(value, false);
  if (early) return early;
  let number;
  try {
    number = parsePhoneNumberWithError(value, countryCode && isSupportedCountry(countryCode) ?
                                                  {defaultCountry: countryCode} : undefined);
  } catch (error) {
    if (error instanceof ParseError) return fail('phone.invalid', {reason: phoneReasons[error.message] ?? error.message});
    throw error;
  }
  if (!number.isValid()) return fail('phone.invalid', {reason: 'not_valid'});
  const type = number.getType() ?? 'UNKNOWN';
  const info = {e164: number.number, international: number.formatInternational(),
                national: number.formatNational(), region: number.country ?? '001', type: type.toLowerCase()};
  if (!allowedTypes.has(type)) return fail('phone.type', {type: type.toLowerCase()}, info);
  const warnings = countryCode && number.country && number.country !== countryCode ?
      [{code: 'phone.region_mismatch', params: {region: number.country}}] : [];
  return ok(number.number, info, warnings);
}

// Node 20's V8 (11.3) segments in quadratic time: every step of a segment iterator costs
// time proportional to the whole string (V8 bug 326176949, fixed in V8 12.4, i.e. Chrome 124
// and Node 22). With `useChunkedSegmenter(true)` the stack works around it the way a
// careful developer could: it segments pieces of about 256 UTF-16 units, cut before an
// ASCII space (a grapheme and word boundary unless a Prepend character precedes it, which
// the cut avoids). Text without spaces (Chinese, Thai) stays one piece.
let chunked = false;
export function useChunkedSegmenter(on) {
  chunked = on;
}
// Grapheme_Cluster_Break=Prepend in the BMP; any surrogate is skipped too, to be safe.
const prepend = /[\u0600-\u0605\u06DD\u070F\u0890\u0891\u08E2\u0D4E\uD800-\uDFFF]/;
function* chunks(text) {
  let start = 0;
  while (text.length - start > 256) {
    let cut = text.indexOf(' ', start + 256);
    while (cut > 0 && (text[cut - 1] === ' ' || prepend.test(text[cut - 1]))) cut = text.indexOf(' ', cut + 1);
    if (cut < 0) break;
    yield text.slice(start, cut);
    start = cut;
  }
  yield text.slice(start);
}

const forbidden = /[\0-\x08\x0B-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069\p{Co}\p{Noncharacter_Code_Point}]/u;
const letterOrNumber = /[\p{L}\p{N}]/u;

export function text(value, rules) {
  const early = hygiene(value, rules.required);
  if (early) return early;
  const normalized = value.replace(/\r\n|[\r\u0085\u2028\u2029]/g, '\n').normalize('NFC').trim();
  const bad = forbidden.exec(normalized);
  if (bad) return fail('text.forbidden_char', {char: 'U+' + bad[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0')});
  let count = 0;
  let wordCount = 0;
  const distinct = rules.require_meaningful ? new Set() : undefined;
  for (const piece of chunked ? chunks(normalized) : [normalized]) {
    for (const {segment} of graphemes.segment(piece)) {
      count++;
      if (distinct && distinct.size < 5 && letterOrNumber.test(segment)) distinct.add(segment.normalize('NFKC').toLowerCase());
    }
    for (const segment of words.segment(piece)) if (segment.isWordLike) wordCount++;
  }
  const info = {graphemes: count, words: wordCount};
  const errors = [];
  if (count < rules.min_graphemes) errors.push({code: 'text.too_short', params: {min: rules.min_graphemes, actual: count}});
  if (count > rules.max_graphemes) errors.push({code: 'text.too_long', params: {max: rules.max_graphemes, actual: count}});
  if (wordCount < rules.min_words) errors.push({code: 'text.too_few_words', params: {min: rules.min_words, actual: wordCount}});
  if (distinct && distinct.size < 5) errors.push({code: 'text.not_meaningful', params: {}});
  return errors.length ? {valid: false, value: null, errors, warnings: [], info} : ok(normalized, info);
}

export const fields = {
  email: (form) => email(form.email),
  country: (form) => country(form.country),
  phone: (form) => phone(form.phone, resolveCountry(form.country)),
  justification: (form) => text(form.justification, textRules.justification),
  details: (form) => text(form.details, textRules.details),
};

// Validates a whole form object: {valid, fields: {email, country, phone, justification, details}}.
export function validateForm(form) {
  const out = {valid: true, fields: {}};
  const code = resolveCountry(form.country);
  out.fields.email = email(form.email);
  out.fields.country = country(form.country, 'en', code);
  out.fields.phone = phone(form.phone, code);
  out.fields.justification = text(form.justification, textRules.justification);
  out.fields.details = text(form.details, textRules.details);
  for (const name in out.fields) if (!out.fields[name].valid) out.valid = false;
  return out;
}
