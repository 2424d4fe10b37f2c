// Validates N forms (after a warm-up that lets V8 optimize) so that bench/instructions.sh
// can count the instructions per form under callgrind: the count has repeated to within
// 0.4% where wall time on a shared machine moves by 30%, though not in every session
// (bench/README.md), so small build changes can be compared over several runs.
//   node bench/instructions.mjs MODULE N [phone]
import {domains, locals, random} from '../tests/differential/corpus.mjs';

const [modulePath, count, phone] = process.argv.slice(2);
const {createValidator} = await import(new URL(modulePath, `file://${process.cwd()}/`));
const validator = await createValidator({locale: 'de'});
const r = random(7);
const phones = ['+49 30 1234567', '+33 1 23 45 67 89', '+48 601 234 567', '030 1234567',
                '+1 202 555 0143', '+44 20 7946 0958', '+39 06 1234 5678'];
const texts = ['Meta must not train its AI on my posts and photos, I object to it.',
               'Ich widerspreche der Nutzung meiner Daten für KI, sie betrifft mein Privatleben.',
               'too short', 'Żądam zaprzestania przetwarzania moich danych 😀 do trenowania modeli.'];
const forms = Array.from({length: 500}, () => {
  const form = {email: `${r.pick(locals)}@${r.pick(domains)}`, justification: r.pick(texts),
                country: r.pick(['DE', 'Österreich', 'fr', 'Polska', 'NO', 'US', 'UK'])};
  if (phone === 'phone') form.phone = r.pick(phones);
  return form;
});
for (let pass = 0; pass < 3; pass++) for (const form of forms) validator.validate(form);
for (let i = 0; i < Number(count); i++) validator.validate(forms[i % forms.length]);
