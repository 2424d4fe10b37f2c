// One cold start as bench/run.mjs times it: import veto.mjs, createValidator(), validate a full
// form with a phone. bench/cold-instructions.sh runs it under callgrind and V8's trace.
//   node bench/cold-start.mjs MODULE
const {createValidator} = await import(new URL(process.argv[2], `file://${process.cwd()}/`).href);
const v = await createValidator();
const r = v.validate({email: 'anna.berg@münchen.de', country: 'Deutschland', phone: '+49 1512 3456789',
                      justification: 'Ich widerspreche der Nutzung meiner Daten für das Training von KI-Modellen.'});
if (!r.valid) throw new Error('the cold-start form is not valid');
