import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';

// A deterministic corpus of form lines for the differential test: valid and invalid
// addresses, random and adversarial Unicode, boundary lengths, broken JSON and UTF-8,
// duplicate members and deep nesting. Each entry is the line's bytes, plus the JS string
// that encodes to them when there is one (lone surrogates included), so both of
// validateJson's input paths are exercised.

// mulberry32: small, fast, and the same sequence everywhere for the same seed.
export function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (list) => list[int(list.length)];
  return {next, int, pick};
}

// Generalized UTF-8: like TextEncoder, but a lone surrogate keeps its 3-byte form.
export function wtf8(text) {
  if (text.isWellFormed()) return Buffer.from(text, 'utf8');
  const out = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00), i++;
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Buffer.from(out);
}

const label = (n, c = 'a') => c.repeat(n);
export const locals = [
  'anna', 'a.b', 'x_y+tag', 'Anna.Berg', 'jörg', 'jo\u0308rg', '用户', 'δοκιμή', '"quoted"',
  '"a b"', '"a\\"b"', '.lead', 'trail.', 'do..t', 'a b', '', 'a@b', 'ä'.repeat(32),
  'ä'.repeat(33), label(64), label(65), '\u0301x', 'x.\u0301y', 'an\u200bna', 'an\u202ena',
  'an\ue000na', 'an\ufdd0na', 'an\u0378na', '😀', '!#$%&\'*+-/=?^_`{|}~', 'a(b)', 'a,b'];
export const domains = [
  'example.de', 'exämple.de', 'xn--exmple-cua.de', 'EXAMPLE.DE', 'ＥＸＡＭＰＬＥ.com', 'example。de',
  'example．de', 'example｡de', 'gmail.com', 'gmial.com', 'gmail.co', 'gmаil.com', 'grnail.com',
  'hotmial.com', 'yaho.de', 'пример.рф', 'пример.com', '日本語.jp', 'παράδειγμα.gr', 'faß.de',
  'xn--80ak6aa92e.com', 'example.test', 'a.b.localhost', 'x.onion', 'localhost', 'example',
  '192.168.0.1', 'example.123', '[192.0.2.1]', '[IPv6:2001:db8::1]', '[256.1.1.1]', '-bad.de',
  'bad-.de', 'ab--cd.de', 'a..b', '.a.b', 'a.b.', 'ex_ample.com', 'exa mple.de', 'xn--a.de',
  'xn--.de', 'xn--99999999999.de', '\u05d0a.de', 'a\u200db.de', 'a\u00b7b.de', '\u0301x.de',
  `${label(63)}.de`, `${label(64)}.de`, `${label(63)}.${label(63)}.${label(63)}.${label(58)}.de`,
  `${label(63)}.${label(63)}.${label(63)}.${label(59)}.de`, `${label(63, 'ä')}.de`,
  `${label(1200, '日')}.jp`, `xn--${label(3000, 'b')}.de`, 'b.de', 'web.de', 'gmx.ch'];

// Country values: codes of every shape, aliases, codes that are no country, names in the
// Latin, Greek and Cyrillic scripts with case, width and diacritic variants, ambiguous and
// variant names, and names in locales veto has no names for. The first 16 are eligible.
export const countries = [
  'DE', 'de', 'DEU', '276', 'ＤＥ', '２７６', ' at ', 'UK', 'FX', 'ddr', 'Deutschland', 'ÖSTERREICH',
  'Osterreich', 'O\u0308sterreich', 'polska', 'Ελλάδα',
  'US', 'usa', '840', 'BU', 'XK', 'EU', '419', 'ZZ', 'QO', 'AA', 'SU', 'YU', '001', 'Гърция', 'Éire',
  'ΚΎΠΡΟΣ', 'Česko', 'Vereinigte Staaten', 'Schweiz', 'Kongo', 'Czech Republic', 'Hong Kong', 'Čad',
  'Cad', '日本', 'Россия', 'Deutsch land', 'D', 'DEUT', '2760', '🇩🇪', 'Ｄｅｕｔｓｃｈｌａｎｄ', 'İsland'];

// Code points from the ranges where validators go wrong.
const ranges = [
  [0x20, 0x7e], [0x00, 0x1f], [0x7f, 0xa0], [0xa0, 0xff], [0x300, 0x36f], [0x370, 0x3ff],
  [0x400, 0x4ff], [0x590, 0x5ff], [0x600, 0x6ff], [0x900, 0x97f], [0xe00, 0xe7f],
  [0x1100, 0x11ff], [0x200b, 0x200f], [0x2028, 0x202e], [0x2066, 0x2069], [0x3000, 0x303f],
  [0x4e00, 0x4fff], [0xac00, 0xad00], [0xd800, 0xdfff], [0xe000, 0xe0ff], [0xfdd0, 0xfdef],
  [0xfe00, 0xfe0f], [0xff00, 0xffef], [0xfff0, 0xffff], [0x1f300, 0x1f6ff], [0x1f1e6, 0x1f1ff],
  [0xe0000, 0xe007f], [0x10fff0, 0x10ffff]];
const specials = ['@', '.', '"', '\\', '[', ']', '\u3002', '\uff0e', '\u200d', ' ', '\t'];

function randomText(r, length) {
  let text = '';
  for (let i = 0; i < length; i++) {
    if (r.next() < 0.2) {
      text += r.pick(specials);
      continue;
    }
    const [lo, hi] = r.pick(ranges);
    text += String.fromCodePoint(lo + r.int(hi - lo + 1));
  }
  return text;
}

// JSON text of a string that keeps lone surrogates raw (JSON.stringify would escape them).
function rawJsonString(text) {
  return '"' + text.replace(/[\u0000-\u001f"\\]/g, (c) => JSON.stringify(c).slice(1, -1)) + '"';
}

const sentences = [
  'Meta uses my photos to train its AI without asking me.', 'Ich widerspreche der Nutzung meiner Daten für KI.',
  'Je m’oppose à l’utilisation de mes données.', 'Nie zgadzam się na używanie moich danych.',
  'ฉันใช้Facebookทุกวันและไม่อยากให้ข้อมูลถูกใช้', '我不同意Meta使用我的数据训练人工智能模型。',
  '日本語のテキストです。これは長い文章ではありません', 'لا أوافق على استخدام بياناتي لتدريب الذكاء',
  'אני לא מסכים לשימוש בנתונים שלי', 'Δεν συμφωνώ με τη χρήση των δεδομένων μου.', '한국어 텍스트 입니다',
  'हिन्दी पाठ यहाँ है', 'aaaa aaaa aaaa aaaa aaaa', 'abab ABAB ａｂａｂ', '👨\u200d👩\u200d👧 🇩🇪🇫🇷 e\u0301',
  'line one\r\nline two\rthree\u2028four\u2029five\u0085six', 'tabs\tand  spaces', 'x'];

// Text for the justification and details fields: sentences, random Unicode, and floods of
// the characters that break naive counters (marks, joiners, lone regional indicators).
function textValue(r) {
  switch (r.int(6)) {
    case 0: return randomText(r, r.int(60));
    case 1: {
      const unit = r.pick(['\u0301', '\u200d', '🇩', '\u202e', 'e\u0301', '😀', 'ก\u0e31', '\r\n', ' ']);
      return 'start ' + unit.repeat(r.pick([5, 19, 20, 500, 5000, 20000])) + ' end';
    }
    case 2: return 'x'.repeat(r.pick([19, 20, 4999, 5000, 5001, 10000, 10001]));
    default: {
      let text = '';
      for (let i = 1 + r.int(4); i > 0; i--) text += r.pick(sentences) + ' ';
      return r.next() < 0.2 ? text + randomText(r, 5) : text;
    }
  }
}

// Phone values: libphonenumber's example numbers of every eligible country and type (both
// forms), and the shapes that break parsers.
const phoneExamples = readFileSync(new URL('../vectors/phone-examples.txt', import.meta.url), 'utf8')
                          .split('\n').filter(Boolean).map((line) => line.split('\t'));
function phoneValue(r) {
  const [region, , national, e164] = r.pick(phoneExamples);
  switch (r.int(6)) {
    case 0: return {phone: e164, country: region};
    case 1: return {phone: national, country: r.pick([region, region, 'DE', 'FR', 'US', 'narnia'])};
    case 2: return {phone: r.pick(['hello', '+999 123', '12', '+49 1', '0800 1234567', '+870 773 111 632',
                                   'tel:+49-30-1234567', '０３０ １２３４５６７', '+33 6 12 34 56 78 ext. 9'])};
    case 3: return {phone: '9'.repeat(r.pick([16, 17, 250, 251, 65536]))};
    case 4: return {phone: randomText(r, r.int(20))};
    default: return {phone: e164};
  }
}

function formLine(r) {
  const members = [];
  const email = r.next() < 0.85 ? `${r.pick(locals)}@${r.pick(domains)}` :
                                  randomText(r, r.int(30)) + (r.next() < 0.5 ? '@' + r.pick(domains) : '');
  const padded = r.next() < 0.1 ? ` \u3000${email}\t ` : email;
  members.push(['email', r.next() < 0.5 ? JSON.stringify(padded) : rawJsonString(padded)]);
  const encode = (text) => (r.next() < 0.7 ? JSON.stringify(text) : rawJsonString(text));
  if (r.next() < 0.7) {
    const country = r.next() < 0.8 ? r.pick(countries) : randomText(r, r.int(12));
    members.push(['country', encode(r.next() < 0.1 ? ` \u3000${country}\t ` : country)]);
  }
  if (r.next() < 0.4) {
    const {phone, country} = phoneValue(r);
    members.push(['phone', encode(phone)]);
    if (country !== undefined && !members.some(([name]) => name === 'country')) {
      members.push(['country', encode(country)]);
    }
  }
  if (r.next() < 0.6) members.push(['justification', encode(textValue(r))]);
  if (r.next() < 0.25) members.push(['details', encode(textValue(r))]);
  if (r.next() < 0.2) members.push([r.pick(['note', 'country', '__proto__', '']), JSON.stringify(randomText(r, 5))]);
  if (r.next() < 0.1) members.reverse();
  return '{' + members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',') + '}';
}

// A form that should pass: a plausible address, an eligible country and a real sentence or two.
function plausibleLine(r) {
  const email = `${r.pick(locals.slice(0, 8))}@${r.pick(domains.slice(0, 22))}`;
  const country = r.pick(countries.slice(0, 16));
  const justification = r.pick(sentences.slice(0, 12)) + ' ' + r.pick(sentences.slice(0, 12));
  const form = {email, country, justification};
  if (r.next() < 0.3) form.details = r.pick(sentences);
  if (r.next() < 0.3) {
    const [region, type, national] = r.pick(phoneExamples);
    if (['fixed_line', 'mobile', 'fixed_line_or_mobile'].includes(type)) {
      form.country = region;
      form.phone = national;
    }
  }
  return JSON.stringify(form);
}

function structuralLine(r) {
  switch (r.int(14)) {
    case 0: return r.pick(['[]', '"x"', '42', 'null', 'true', '[{"email":"a@b.de"}]']);
    case 1: return '{"email":"a@example.org","email":"b@example.org"}';
    case 2: return `{"x":1,"${r.pick(['x', 'email', '\\u0078'])}":2,"email":"a@example.org"}`;
    case 3: {
      const depth = r.pick([10, 1000, 10000, 100000]);
      return `{"email":"a@example.org","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    }
    case 4: return `{"deep":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)},"email":1}`;
    case 5: return `{"email":${r.pick(['1', '-0.5e3', 'true', 'false', 'null', '[]', '{}', '1e999', '-1e400', '123456789012345678901234567890'])}}`;
    case 6: return '\ufeff{"email":"a@example.org"}';
    case 7: return '\ufeff\ufeff{"email":"a@example.org"}';
    case 8: return `{"email":"${r.pick(['\\ud800', '\\udc00', '\\ud83d\\ude00', '\\ud800\\u0041', '\\u0000'])}@example.org"}`;
    case 9: return `{"email":"a@example.org"${r.pick([',', ' x', '}', ',"b"', ':1'])}}`;
    case 10: return `{${Array.from({length: 300}, (_, i) => `"m${i}":${i}`).join(',')}}`;
    case 11: return r.pick(['{', '}', '{"email":', '{"email":"a@b.de"', "{'email':'a@b.de'}", '/*x*/{}', '{"email":"a@b.de"} {}']);
    case 12: return `{"email":"a@example.org","note":"${r.pick(['\\t', '\\n', '\\r', '\\b', '\\f', '\\/'])}"}`;
    default: return `{"email":${JSON.stringify(randomText(r, 3 + r.int(10)))},"${randomText(r, 2)}":null}`;
  }
}

function boundaryLine(r) {
  const n = 65536 + r.int(3) - 1;
  switch (r.int(5)) {
    case 0: return JSON.stringify({email: 'a'.repeat(n - 12) + '@example.org'});
    case 1: return JSON.stringify({email: ' '.repeat(n)});
    case 2: return JSON.stringify({email: 'ä'.repeat(Math.floor(n / 2) - 6) + '@example.org'});
    case 3: return JSON.stringify({email: `${label(60 + r.int(8))}@${label(60 + r.int(8))}.${label(62 + r.int(4))}.de`});
    default: return JSON.stringify({email: `${label(64)}@${label(63)}.${label(63)}.${label(56 + r.int(5))}.de`});
  }
}

// Random byte damage: the result may be invalid UTF-8, invalid JSON, or still fine.
function mutate(r, bytes) {
  const out = [...bytes];
  for (let i = 1 + r.int(3); i > 0; i--) {
    const at = r.int(out.length + 1);
    const byte = r.pick([0x80, 0xbf, 0xc0, 0xc3, 0xe2, 0xed, 0xf0, 0xf4, 0xf5, 0xff, 0x00, 0x22, 0x5c, 0x7b, 0x7d, r.int(256)]);
    const op = r.int(3);
    if (op === 0) out.splice(at, 0, byte);
    else if (op === 1) out.splice(at, 1);
    else out[Math.min(at, out.length - 1)] = byte;
  }
  return Buffer.from(out);
}

const blank = (bytes) => bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0d);

// Makes `count` entries: {bytes, text?}. Lines never hold LF, never end in CR (a CLI line
// end) and are never blank (the CLI skips those), so each gives exactly one CLI result.
export function makeCorpus(count, seed = 20241129) {
  const r = random(seed);
  const entries = [];
  while (entries.length < count) {
    const kind = r.next();
    let text;
    let bytes;
    if (kind < 0.15) text = plausibleLine(r);
    else if (kind < 0.5) text = formLine(r);
    else if (kind < 0.72) text = structuralLine(r);
    else if (kind < 0.8) text = boundaryLine(r);
    else if (kind < 0.999) bytes = mutate(r, wtf8(formLine(r)));
    else text = JSON.stringify({email: 'x'.repeat(1024 * 1024 - 12 + r.int(4))});
    if (text !== undefined) bytes = wtf8(text);
    bytes = Buffer.from(bytes.map((b) => (b === 0x0a ? 0x20 : b)));
    while (bytes.length && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, -1);
    if (bytes.length === 0 || blank(bytes)) continue;
    if (text !== undefined && !wtf8(text).equals(bytes)) text = undefined;
    entries.push({bytes, text});
  }
  return entries;
}

// The native CLI's results for `entries` in `locale`, one string per entry (`veto validate
// FILE` gives one line per input line; exit 1 only says some line was invalid).
export function cliResults(cli, locale, entries) {
  const dir = mkdtempSync(path.join(tmpdir(), 'veto-diff-'));
  try {
    const file = path.join(dir, `${locale}.jsonl`);
    writeFileSync(file, Buffer.concat(entries.flatMap((e) => [e.bytes, Buffer.from('\n')])));
    const native = spawnSync(cli, ['validate', '--locale', locale, file], {maxBuffer: 1 << 30});
    assert.ok(native.status === 0 || native.status === 1, `${cli}: ${native.error ?? native.stderr}`);
    const lines = native.stdout.toString('utf8').split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, entries.length, 'one CLI result per line');
    return lines;
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
