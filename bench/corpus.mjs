// The benchmark corpus: a deterministic (seeded) set of realistic objection forms, valid and
// invalid, that every contestant reads from the same JSONL file (one compact JSON object a
// line, every member a string). Unlike tests/differential/corpus.mjs (adversarial bytes for
// correctness), this is what a real form receives: plausible addresses (IDN ones too) with
// typos and mistakes, countries as codes and as names in the 26 locales, phone numbers of 20
// countries, and justifications in several scripts with emoji.
//   node bench/corpus.mjs OUT.jsonl [COUNT] [SEED]     (defaults 10000, 20261129)
import {readFileSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

import {random} from '../tests/differential/corpus.mjs';

// --- email ------------------------------------------------------------------------------
const locals = ['anna', 'anna.berg', 'j.smith+objection', 'max_mustermann', 'k.nowak', 'maria-luisa',
                'o\'connor', 'user123', 'li.wei', 'pierre.dupont', 'jörg', 'zoë.müller', 'δοκιμή', '用户'];
const domains = ['gmail.com', 'web.de', 'gmx.de', 'outlook.com', 'orange.fr', 'seznam.cz', 'wp.pl',
                 'libero.it', 'proton.me', 'uni-heidelberg.de', 'firma.co.at', 'mail.example.org',
                 'münchen.de', 'пример.рф', 'bücher.de', 'straße.de', '日本語.jp', 'παράδειγμα.gr',
                 'exämple.at', 'xn--mnchen-3ya.de', 'ÉCOLE.fr', 'żółw.pl'];
const typoDomains = ['gmial.com', 'gmail.co', 'hotmial.com', 'outlok.com', 'yaho.de', 'web.dee',
                     'gmx.ed', 'gmаil.com' /* Cyrillic а: look-alike warning */];
const badEmails = (r) => r.pick([
  `${r.pick(locals)}.${r.pick(domains)}`, `${r.pick(locals)}@`, `@${r.pick(domains)}`,
  `an..na@${r.pick(domains)}`, `.anna@${r.pick(domains)}`, `anna @${r.pick(domains)}`,
  'anna@web', 'anna@localhost', 'anna@example.test', 'anna@web..de', 'anna@-web.de',
  'anna@web_de.com', 'anna@123.456', `${'a'.repeat(65)}@web.de`, 'anna@[192.168.0.1]',
  'anna(x)@web.de', 'anna@münchen..de', 'anna@xn--.de', `anna@${'b'.repeat(64)}.de`,
  'Anna Berg <anna@web.de>', 'anna@web.de.', 'an\u200bna@web.de']);
function email(r) {
  const x = r.next();
  const address = x < 0.72 ? `${r.pick(locals)}@${r.pick(domains)}` :
                  x < 0.82 ? `${r.pick(locals)}@${r.pick(typoDomains)}` : badEmails(r);
  return r.next() < 0.05 ? `  ${address} ` : address;
}

// --- country: codes and standard names in the 26 locales, for the 20 phone countries -------
// (the first 16 eligible, US CH JP BR not), plus names no locale has.
const names = {
  DE: ['Deutschland', 'Germany', 'Allemagne', 'Niemcy', 'Německo', 'Tyskland', 'Γερμανία', 'Германия',
       'Alemania', 'Saksa', 'Németország', 'Germania', 'DEUTSCHLAND'],
  AT: ['Österreich', 'Austria', 'Autriche', 'ÖSTERREICH', 'Osterreich', 'Rakousko', 'Itävalta'],
  FR: ['France', 'Frankreich', 'Francja', 'Francia', 'Γαλλία', 'Франция'],
  PL: ['Polska', 'polska', 'Poland', 'Polen', 'Pologne'],
  ES: ['España', 'Spanien', 'Spain', 'Espagne', 'Hiszpania', 'Espana'],
  IT: ['Italia', 'Italien', 'Italy', 'Italie'],
  NL: ['Nederland', 'Niederlande', 'Netherlands', 'Pays-Bas'],
  SE: ['Sverige', 'Schweden', 'Sweden', 'Suède'],
  GR: ['Ελλάδα', 'Griechenland', 'Greece', 'Grèce'],
  HU: ['Magyarország', 'Ungarn', 'Hungary'],
  CZ: ['Česko', 'Tschechien', 'Czechia', 'Cesko'],
  IE: ['Éire', 'Irland', 'Ireland', 'Irlande'],
  GB: ['United Kingdom', 'Vereinigtes Königreich', 'Royaume-Uni', 'Reino Unido'],
  FI: ['Suomi', 'Finnland', 'Finland'],
  DK: ['Danmark', 'Dänemark', 'Denmark'],
  BE: ['Belgien', 'Belgique', 'België', 'Belgium'],
  US: ['Vereinigte Staaten', 'United States', 'États-Unis'],
  CH: ['Schweiz', 'Suisse', 'Switzerland', 'Svizzera'],
  JP: ['Japan', 'Japon', 'Japonsko'],
  BR: ['Brasilien', 'Brazil', 'Brésil'],
};
const alpha3 = {DE: 'DEU', AT: 'AUT', FR: 'FRA', PL: 'POL', ES: 'ESP', IT: 'ITA', NL: 'NLD', SE: 'SWE',
                GR: 'GRC', HU: 'HUN', CZ: 'CZE', IE: 'IRL', GB: 'GBR', FI: 'FIN', DK: 'DNK', BE: 'BEL',
                US: 'USA', CH: 'CHE', JP: 'JPN', BR: 'BRA'};
const numeric = {DE: '276', AT: '040', FR: '250', PL: '616', US: '840', CH: '756'};
const unknownCountries = ['Narnia', 'Deutsch land', 'XX', 'ZZ', '🇩🇪', 'Atlantis', 'Bavaria', 'EU', '日本'];
export const phoneRegions = Object.keys(names);

// One way of writing `code`'s country: the code as typed (any case), its alpha-3 or numeric
// code, or a name.
function countryFor(r, code) {
  const x = r.next();
  if (x < 0.35) return r.pick([code, code, code.toLowerCase()]);
  if (x < 0.45) return alpha3[code];
  if (x < 0.5 && numeric[code]) return numeric[code];
  return r.pick(names[code]);
}

// --- phone: example numbers of the 20 countries, of every type ---------------------------
// [region, type, national, E.164]: the eligible ones from tests/vectors/phone-examples.txt
// (libphonenumber 8.12.57's own examples), the others from libphonenumber's metadata.
const vectors = readFileSync(new URL('../tests/vectors/phone-examples.txt', import.meta.url), 'utf8')
                    .split('\n').filter(Boolean).map((line) => line.split('\t'))
                    .filter(([region]) => phoneRegions.includes(region));
const phones = [...vectors,
  ['US', 'fixed_line_or_mobile', '(201) 555-0123', '+12015550123'],
  ['US', 'toll_free', '(800) 234-5678', '+18002345678'],
  ['CH', 'mobile', '078 123 45 67', '+41781234567'], ['CH', 'fixed_line', '021 234 56 78', '+41212345678'],
  ['JP', 'mobile', '090-1234-5678', '+819012345678'], ['JP', 'fixed_line', '03-1234-5678', '+81312345678'],
  ['BR', 'mobile', '(11) 96123-4567', '+5511961234567'], ['BR', 'fixed_line', '(11) 2345-6789', '+551123456789']];
const usual = phones.filter(([, type]) => ['fixed_line', 'mobile', 'fixed_line_or_mobile'].includes(type));
const unusual = phones.filter(([, type]) => !['fixed_line', 'mobile', 'fixed_line_or_mobile'].includes(type));

// A phone and the country written beside it.
function phoneAndCountry(r) {
  const x = r.next();
  const [region, , national, e164] = r.pick(x < 0.85 ? usual : unusual);
  const y = r.next();
  // national format, country of the number
  if (y < 0.45) return {phone: national, country: countryFor(r, region)};
  // E.164 or spaced international, any country (region mismatch when another)
  if (y < 0.7) {
    const spaced = e164.slice(0, 3) + ' ' + e164.slice(3, 6) + ' ' + e164.slice(6);
    return {phone: r.next() < 0.5 ? e164 : spaced, country: countryFor(r, r.next() < 0.8 ? region : r.pick(phoneRegions))};
  }
  // national format under the wrong country
  if (y < 0.78) return {phone: national, country: countryFor(r, r.pick(phoneRegions))};
  // broken: too short, too long, letters, an unknown calling code, a digit missing
  return {phone: r.pick(['12', '+49 1', 'hello', '+999 123 456', national.slice(0, -2), national + '99',
                         e164.slice(0, -3), 'call me', '0', '+49 30 1234567890123456']),
          country: countryFor(r, region)};
}

// --- text --------------------------------------------------------------------------------
const sentences = [
  'Meta uses my photos to train its AI without asking me.',
  'I object to the processing of my personal data for training artificial intelligence models.',
  'Ich widerspreche der Nutzung meiner Daten für das Training von KI-Modellen.',
  'Meine Fotos und Beiträge sind privat und gehören mir. 📷',
  'Je m’oppose à l’utilisation de mes données personnelles pour entraîner l’IA.',
  'Nie zgadzam się na używanie moich danych do trenowania sztucznej inteligencji.',
  'Non acconsento all’uso dei miei dati per addestrare modelli di IA.',
  'No autorizo el uso de mis datos para entrenar la inteligencia artificial. 🙅‍♀️',
  'Δεν συμφωνώ με τη χρήση των δεδομένων μου για εκπαίδευση τεχνητής νοημοσύνης.',
  'Не съм съгласен данните ми да се използват за обучение на изкуствен интелект.',
  'Nesouhlasím s použitím mých dat k trénování umělé inteligence.',
  'Jag motsätter mig att mina uppgifter används för att träna AI.',
  'Ik maak bezwaar tegen het gebruik van mijn gegevens voor AI-training.',
  'Nem járulok hozzá, hogy az adataimat MI tanítására használják.',
  '我不同意Meta使用我的数据训练人工智能模型。', '私のデータをAIの学習に使わないでください。',
  'ฉันไม่ยินยอมให้ใช้ข้อมูลของฉันฝึกAI', 'لا أوافق على استخدام بياناتي لتدريب الذكاء الاصطناعي.',
  'אני לא מסכים לשימוש בנתונים שלי לאימון בינה מלאכותית.', 'हिन्दी: मेरे डेटा का उपयोग न करें।',
  '내 데이터를 AI 학습에 사용하지 마세요.', 'My family 👨‍👩‍👧 and I 🇩🇪🇫🇷 say no. ✋🏽',
  'Line one\r\nline two: the café (cafe\u0301) posts are mine.'];
const sentencesOf = (r, n) => Array.from({length: n}, () => r.pick(sentences)).join(' ');
function justification(r) {
  const x = r.next();
  if (x < 0.80) return sentencesOf(r, 1 + r.int(5));
  if (x < 0.88) return r.pick(['No.', 'Nein danke', 'Non merci !', 'nie', '不同意', 'Stop it 🛑']);  // too short
  if (x < 0.92) return r.pick(['aaaa aaaa aaaa aaaa aaaa', 'no no no no no no no no no', 'xxxxxxxxxxxxxxxxxxxxxxxxx']);
  if (x < 0.95) return `I object ${r.pick(['\u202e', '\u0007', '\ue000', '\ufdd0'])} to the use of my data.`;  // forbidden
  if (x < 0.97) return r.pick(['', '   ']);  // absent: required
  if (x < 0.975) return sentencesOf(r, 90);  // over 5,000 graphemes
  return sentencesOf(r, 8 + r.int(20));  // long but fine
}
function details(r) {
  const x = r.next();
  if (x < 0.6) return undefined;
  if (x < 0.97) return sentencesOf(r, 1 + r.int(10));
  if (x < 0.995) return sentencesOf(r, 20 + r.int(60));
  return sentencesOf(r, 180);  // over 10,000 graphemes
}

export function makeForm(r) {
  const form = {email: email(r)};
  if (r.next() < 0.55) {
    const {phone, country} = phoneAndCountry(r);
    form.country = country;
    form.phone = phone;
  } else {
    const x = r.next();
    form.country = x < 0.9 ? countryFor(r, r.pick(phoneRegions)) : x < 0.97 ? r.pick(unknownCountries) : '';
  }
  form.justification = justification(r);
  const more = details(r);
  if (more !== undefined) form.details = more;
  return form;
}

export function makeCorpus(count = 10000, seed = 20261129) {
  const r = random(seed);
  return Array.from({length: count}, () => makeForm(r));
}

export function readCorpus(file) {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [out, count = '10000', seed = '20261129'] = process.argv.slice(2);
  if (!out) {
    console.error('usage: node bench/corpus.mjs OUT.jsonl [COUNT] [SEED]');
    process.exit(2);
  }
  const forms = makeCorpus(Number(count), Number(seed));
  writeFileSync(out, forms.map((f) => JSON.stringify(f)).join('\n') + '\n');
  const phones = forms.filter((f) => f.phone !== undefined).length;
  console.error(`bench/corpus.mjs: ${forms.length} forms (${phones} with a phone) -> ${out}`);
}
