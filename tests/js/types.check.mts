// Type-checked (never run) by tests/js/types.test.mjs: the declarations in web/veto.d.mts
// must describe the API as a TypeScript user writes against it. Each @ts-expect-error line
// must fail to type-check (tsc reports an unused one), so the negative checks count too.
import {createValidator, type Code, type CodeParams, type Country, type FieldResult, type Issue,
        type MessageTemplates, type Result, type RulesetInput, type Validator} from '../../build/wasm/dist/veto.mjs';

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
const counted: string = v.formatInteger(5000, 'hu');
// @ts-expect-error a number only
v.formatInteger('5000');
v.warmUp();
v.dispose();
void [ok, code, line, value, version, eligible, counted];

// Issue.code is the union of stable codes: a switch on it is checked, params are typed by code.
function describe(issue: Issue): string {
  switch (issue.code) {
    case 'email.typo': {
      const params = issue.params as CodeParams['email.typo'];
      return params.suggestion;
    }
    case 'text.too_short': {
      const params = issue.params as CodeParams['text.too_short'];
      const missing: number = params.min - params.actual;
      return String(missing);
    }
    default:
      return issue.message;
  }
}
const known: Code = 'country.not_eligible';
void [describe, known];

// Rulesets are typed per kind; message templates per code and locale.
const rules: RulesetInput = {id: 'mine', version: 2, fields: [
  {name: 'email', kind: 'email', allow_smtputf8: false, popular_domains: ['example.org']},
  {name: 'country', kind: 'country', eligible: ['DE', 'AT']},
  {name: 'phone', kind: 'phone', required: false, allowed_types: ['mobile', 'voip']},
  {name: 'why', kind: 'text', min_graphemes: 20, require_meaningful: true},
]};
const messages: MessageTemplates = {'email.typo': {de: 'Vielleicht {suggestion}?', en: 'Maybe {suggestion}?'}};
const custom: Validator = await createValidator({ruleset: rules, messages, locale: 'de'});
const fromText: Promise<Validator> = createValidator({messages: JSON.stringify(messages)});
const email = custom.ruleset.fields[0];
if (email.kind === 'email') {
  const smtputf8: boolean = email.allow_smtputf8;  // loaded: every option filled in
  void smtputf8;
}
void fromText;

// @ts-expect-error validate needs a form
v.validate();
// @ts-expect-error validateJson does not take numbers
v.validateJson(42);
// @ts-expect-error a result's value is not a number
const wrong: number = r.fields['email'].value;
void wrong;
// @ts-expect-error a misspelt code is not a Code
const misspelt: Code = 'email.tpyo';
void misspelt;
// @ts-expect-error comparing an issue's code with a misspelt one cannot be true
if (r.form.errors[0].code === 'email.tpyo') void 0;
// @ts-expect-error a template for a code veto does not have
const unknownCode: MessageTemplates = {'email.tpyo': {de: 'x'}};
// @ts-expect-error a template for a locale veto has no catalog for
const unknownLocale: MessageTemplates = {'email.typo': {xx: 'x'}};
// @ts-expect-error an option of another kind
const textOption: RulesetInput = {id: 'x', version: 1, fields: [{name: 'e', kind: 'email', min_graphemes: 3}]};
// @ts-expect-error a phone type libphonenumber does not have
const fax: RulesetInput = {id: 'x', version: 1, fields: [{name: 'p', kind: 'phone', allowed_types: ['fax']}]};
void [unknownCode, unknownLocale, textOption, fax];
