// The page's verdict equals the server's, in every engine: 240 generated forms (valid and
// invalid, Unicode, IDN, phone numbers) are typed into the page and sent; the page's
// validity and the codes and messages it shows per field are compared with POST
// /api/validate for the same form. (module.test.mjs compares the module with the CLI.)
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {FIELDS, inEachEngine, interceptObjections, openPage, sentObjections} from './harness.mjs';

const FORMS = 240;
const LOCALE = 'fr';

// A small deterministic generator (mulberry32), so a failure names a form that comes back.
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

// Each list starts with values veto accepts (some with warnings); `valid` says how many.
const EMAILS = {valid: 13, values: [
  'anna@example.com', 'anna.muster+ai@example.org', 'jörg@bücher.de', 'anna@exämple.de',
  'user@пример.рф', 'user@例え.jp', 'x@gmial.com', 'lea@hotmial.fr', 'anna@gm\u0430il.com',
  '  padded@example.com  ', 'ANNA@EXAMPLE.COM', 'ünïcødé@exämple.de', 'anna@ＥＸＡＭＰＬＥ．ｃｏｍ',
  '', '   ', 'anna.example.com', 'anna..b@example.com', '.anna@example.com', 'anna@example',
  'anna@host.test', 'anna@-example.com', 'anna@example..com', '"quoted"@example.com',
  'anna@[127.0.0.1]', 'anna@example.123', 'a b@example.com', 'anna@exa_mple.com',
  `${'l'.repeat(65)}@example.com`, `anna@${'d'.repeat(64)}.com`, 'anna@xn--zz.com', '@example.com',
  'anna@', 'anna\u200b@example.com', 'anna@\u0661\u0662\u0663.com',
]};
const COUNTRIES = {valid: 14, values: ['AT', 'DE', 'FR', 'PL', 'GB', 'SE', 'IS', 'NO', 'IE', 'GF', 'AX', 'ES', 'IT', 'GR', '']};
const PHONES = {valid: 3, values: [
  '', '+49 30 1234567', '+33 6 12 34 56 78',  // valid whatever the country (+ a mismatch warning)
  '0664 1234567', '+43 664 1234567', '06 12 34 56 78', '+44 20 7946 0958', '020 7946 0958',
  '+1 202 456 1111', '+48 512 345 678', '0900 123456', '12', 'abc', '+999 1234',
  '+49 1234567890123456789', '+46 70 123 45 67', '０６６４ １２３４５６７', '+800 1234 5678',
]};
const JUSTIFICATIONS = {valid: 8, values: [
  'I do not want my posts and photos used to train AI models.',
  'Ich widerspreche der Verwendung meiner Beiträge für das Training von KI.',
  'Nie zgadzam się na wykorzystywanie moich zdjęć do trenowania sztucznej inteligencji.',
  'Δεν συμφωνώ να χρησιμοποιούνται τα δεδομένα μου για εκπαίδευση τεχνητής νοημοσύνης.',
  'Je refuse que mes publications servent à entraîner des modèles d’IA. Merci.',
  '私の投稿をAIの学習に使わないでください。家族の写真も含まれています。',
  'My family photos 👨‍👩‍👧‍👦 are private 🇦🇹 and must not train any model, thanks.',
  'Line one of my reason.\nLine two, with more words.\r\nLine three.',
  '', ' ', 'too short', 'aaaaaaaaaaaaaaaaaaaaaaaa aaa aaa', 'abcabcabcabcabcabcabcabc',
  'Meta must not \u202Etrain on my posts please', 'A reason with a private use char \uE000 inside it.',
  'e\u0301'.repeat(19), 'word '.repeat(5), 'x'.repeat(5001), 'Short but many words: a b c',
]};
const DETAILS = {valid: 3, values: ['', 'Nothing more.', 'Tab\tand\nnewline are fine.',
                                    'x'.repeat(10001), 'Bell \u0007 here', '\uFDD0 noncharacter']};

// Half the forms take only values veto accepts, the other half anything: both verdicts,
// and invalid forms with one or several fields wrong.
function generateForms(count) {
  const next = random(20241129);
  const pick = ({valid, values}, onlyValid) =>
    values[Math.floor(next() * (onlyValid ? valid : values.length))];
  return Array.from({length: count}, () => {
    const onlyValid = next() < 0.5;
    return {email: pick(EMAILS, onlyValid), country: pick(COUNTRIES, onlyValid), phone: pick(PHONES, onlyValid),
            justification: pick(JUSTIFICATIONS, onlyValid), details: pick(DETAILS, onlyValid)};
  });
}

inEachEngine({}, (env) => {
  test(`the page and the server agree on ${FORMS} forms`, async (t) => {
    const forms = generateForms(FORMS);
    const page = await openPage(env.browser, env.server.url, LOCALE);
    // A form the page finds valid is sent; stop it at the door, so nothing is stored.
    await interceptObjections(page, [], 'abort');

    // The page's side, all forms in one evaluation (a driver's round trip per form cost
    // WebKit a minute): set the values as input would, send, read what the page shows.
    const seen = await page.evaluate(async (forms, fields) => {
      const submit = document.getElementById('submit');
      const objection = document.getElementById('objection');
      const out = [];
      for (const form of forms) {
        for (const field of fields) {
          const control = document.getElementById(field);
          control.value = form[field];
          control.dispatchEvent(new Event('input', {bubbles: true}));
        }
        // A listener added after the page's runs once the page's handler has done its
        // synchronous part, in which a valid form calls fetch(). (In WebKit the page had not
        // yet started sending when requestSubmit() returned.)
        const handled = new Promise((resolve) => objection.addEventListener('submit', resolve, {once: true}));
        const before = window.vetoTestSent.length;
        objection.requestSubmit(submit);
        await handled;
        const sent = window.vetoTestSent.length > before;
        const shown = Object.fromEntries(fields.map((f) => [f,
          Array.from(document.querySelectorAll(`#${f}-messages .msg`), (m) => `${m.dataset.code} ${m.textContent}`)]));
        // What the page holds (a textarea normalizes line ends); the server gets the same.
        const held = Object.fromEntries(fields.map((f) => [f, document.getElementById(f).value]));
        while (submit.getAttribute('aria-disabled') === 'true') await new Promise((r) => setTimeout(r, 5));
        out.push({sent, shown, held, summary: !document.getElementById('summary').hidden});
      }
      return out;
    }, forms, FIELDS);

    let valid = 0;
    for (const [index, {sent, shown, held, summary}] of seen.entries()) {
      const response = await fetch(`${env.server.url}api/validate?locale=${LOCALE}`, {
        method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(held),
      });
      assert.equal(response.status, 200);
      const result = await response.json();
      const label = `form ${index}: ${JSON.stringify(forms[index])}`;
      assert.equal(sent, result.valid, label);
      assert.equal(summary, !result.valid, label);
      for (const field of FIELDS) {
        const expected = [...result.fields[field].errors, ...result.fields[field].warnings]
            .map((issue) => `${issue.code} ${issue.message}`);
        assert.deepEqual(shown[field], expected, `${label}, field ${field}`);
      }
      valid += result.valid;
    }
    const sentBodies = (await sentObjections(page)).map(({body}) => body);
    assert.equal(sentBodies.length, valid);
    for (const body of sentBodies) assert.ok(seen.some(({held}) => JSON.stringify(held) === body));
    await page.close();
    t.diagnostic(`${valid} of ${FORMS} forms valid`);
    // The corpus must exercise both verdicts.
    assert.ok(valid >= 20 && valid <= FORMS - 20, `${valid} valid forms of ${FORMS}`);
  });
});
