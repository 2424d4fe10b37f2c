// Type-checked (never run) by tests/js/types.test.mjs: the declarations in web/veto.d.mts
// must describe the API as a TypeScript user writes against it.
import {createValidator, type Country, type FieldResult, type Result, type Validator} from '../../build/wasm/dist/veto.mjs';

const v: Validator = await createValidator({locale: 'de', ruleset: {id: 'x', version: 1, fields: []}});
const r: Result = v.validate({email: 'a@b.de'});
const ok: boolean = r.valid && r.fields['email'].valid;
const code: string = r.form.errors[0].code;
const line: string = v.validateJson(new Uint8Array([123, 125]));
const field: FieldResult = v.validateField('email', 'a@b.de', {country: 'DE'});
const value: string | null = field.value;
const version: number = v.ruleset.version;
const list: Country[] = v.countries('de');
const eligible: boolean = list[0].eligible;
v.warmUp();
v.dispose();
void [ok, code, line, value, version, eligible];

// @ts-expect-error validate needs a form
v.validate();
// @ts-expect-error validateJson does not take numbers
v.validateJson(42);
// @ts-expect-error a result's value is not a number
const wrong: number = r.fields['email'].value;
void wrong;
