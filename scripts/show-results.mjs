// Validates form files with the native CLI and with the Wasm module, prints each verdict
// in a readable line and checks that both builds gave the same bytes.
//   node scripts/show-results.mjs CLI MODULE FILE...
import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {pathToFileURL} from 'node:url';

const [cli, modulePath, ...files] = process.argv.slice(2);
const {createValidator} = await import(pathToFileURL(modulePath));
const locale = process.env.VETO_LOCALE ?? 'en';
const validator = await createValidator({locale});
let differences = 0;
for (const file of files) {
  const native = spawnSync(cli, ['validate', '--locale', locale, file]).stdout.toString().split('\n').filter(Boolean);
  const lines = readFileSync(file).toString().split('\n').map((l) => l.replace(/\r$/, ''))
                    .filter((l) => l.trim() !== '');
  console.log(`${file}: ${lines.length} forms\n`);
  lines.forEach((line, i) => {
    const wasm = validator.validateJson(line);
    const same = wasm === native[i];
    if (!same) differences++;
    const result = JSON.parse(wasm);
    const notes = [...result.form.errors, ...result.form.warnings];
    for (const [name, field] of Object.entries(result.fields)) {
      for (const issue of [...field.errors, ...field.warnings]) notes.push({...issue, field: name});
    }
    console.log(`${result.valid ? 'VALID  ' : 'INVALID'} ${line}`);
    for (const [name, field] of Object.entries(result.fields)) {
      if (field.value === null) continue;
      const counts = 'graphemes' in field.info ? ` (${field.info.graphemes} graphemes, ${field.info.words} words)` : '';
      console.log(`        ${name}: ${JSON.stringify(field.value)}${counts}`);
    }
    for (const n of notes) console.log(`        ${n.field ?? 'form'}: ${n.code}: ${n.message}`);
    console.log(`        native and Wasm results ${same ? 'byte-identical' : 'DIFFER'}\n`);
  });
}
console.log(differences === 0 ? 'Both builds agree on every form.' : `${differences} results differ!`);
process.exit(differences === 0 ? 0 : 1);
