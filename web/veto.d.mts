// TypeScript declarations for veto.mjs (docs/contract.md §4 and §6.2).

/** A scalar in `params` and `info`. */
export type Scalar = string | number | boolean | null;

/**
 * One error or warning: a stable code, its parameters and a localized message.
 * `CodeParams[issue.code]` is the shape of `params` for a given code.
 */
export interface Issue {
  code: Code;
  params: Record<string, Scalar>;
  message: string;
}

/** The verdict on one field. `value` is null when the field is absent or has an error. */
export interface FieldResult {
  valid: boolean;
  value: string | null;
  errors: Issue[];
  /** Always empty when `errors` is not. */
  warnings: Issue[];
  info: Record<string, Scalar>;
}

/** The verdict on a whole form. */
export interface Result {
  valid: boolean;
  ruleset: { id: string; version: number };
  /** The negotiated locale of the messages. */
  locale: string;
  /** Every field of the ruleset in ruleset order; empty after a document error. */
  fields: Record<string, FieldResult>;
  form: { errors: Issue[]; warnings: Issue[] };
}

/** The options every field has; `required` defaults to true. */
interface FieldOptions {
  name: string;
  required?: boolean;
}

/** An email field's options (docs/contract.md §2.1); omitted ones take their defaults. */
export interface EmailFieldOptions extends FieldOptions {
  kind: 'email';
  allow_smtputf8?: boolean;
  allow_quoted_local?: boolean;
  allow_domain_literal?: boolean;
  special_use_domains?: string[];
  popular_domains?: string[];
}

export interface CountryFieldOptions extends FieldOptions {
  kind: 'country';
  /** ISO 3166-1 alpha-2 codes. */
  eligible?: string[];
}

export interface PhoneFieldOptions extends FieldOptions {
  kind: 'phone';
  /** The name of the country field whose country is the default region. */
  country_field?: string;
  allowed_types?: PhoneType[];
}

export interface TextFieldOptions extends FieldOptions {
  kind: 'text';
  min_graphemes?: number;
  max_graphemes?: number;
  min_words?: number;
  require_meaningful?: boolean;
}

/** One field of a ruleset as written: its kind decides which options it may have. */
export type RulesetFieldInput =
  EmailFieldOptions | CountryFieldOptions | PhoneFieldOptions | TextFieldOptions;

/** A ruleset as written (docs/contract.md §5). */
export interface RulesetInput {
  id: string;
  version: number;
  fields: RulesetFieldInput[];
}

/** One field of a loaded ruleset, every option filled in. */
export type RulesetField =
  Required<EmailFieldOptions> | Required<CountryFieldOptions> |
  Required<PhoneFieldOptions> | Required<TextFieldOptions>;

/** A ruleset as loaded (`Validator.ruleset`), every default filled in. */
export interface Ruleset {
  id: string;
  version: number;
  fields: RulesetField[];
}

/**
 * Message templates by code and locale, each replacing the catalog's message of that code
 * in that locale (docs/contract.md §7.5), e.g. {'email.typo': {de: 'Meinten Sie {suggestion}?'}}.
 */
export type MessageTemplates = {[C in Code]?: {[L in MessageLocale]?: string}};

/** A form as a page holds it: field names to values (strings; anything else is a `type` error). */
export type Form = Record<string, unknown>;

export interface Validator {
  /** The ruleset as loaded, every default filled in. */
  readonly ruleset: Ruleset;
  /** Validates a form object. */
  validate(form: Form): Result;
  /**
   * Validates one JSON document; the result as compact JSON text, byte-identical to the
   * CLI's output line for the same input line. Text is encoded to UTF-8 first (a lone
   * surrogate gives `form.encoding`); bytes are taken as they are.
   */
  validateJson(text: string | Uint8Array): string;
  /** Validates one field for live feedback; throws RangeError for a name not in the ruleset. */
  validateField(name: string, value: unknown, form?: Form): FieldResult;
  /** Every assigned country, named in `locale` (default: the validator's), in that locale's order. */
  countries(locale?: string): Country[];
  /**
   * `n` (a safe integer; RangeError otherwise) written as the messages of `locale` (default:
   * the validator's) write numbers: "5.000" in de, "5000" in es. For a page's own numbers.
   */
  formatInteger(n: number, locale?: string): string;
  /** Pays the phone check's one-time set-up now (call it in idle time); optional. */
  warmUp(): void;
  /** The module's linear memory in bytes (it only grows; steady across calls = no leak). */
  readonly memoryBytes: number;
  /** Frees the validator's memory now instead of at garbage collection. */
  dispose(): void;
}

/** One entry of a country dropdown. */
export interface Country {
  /** ISO 3166-1 alpha-2 code. */
  code: string;
  name: string;
  /** Whether the ruleset's country field accepts it. */
  eligible: boolean;
}

export interface ValidatorOptions {
  /** A ruleset object or its JSON text; default: the ruleset that ships with veto. */
  ruleset?: RulesetInput | string;
  /** A BCP 47 tag; negotiated to a supported locale (exact tag, language, then "en"). */
  locale?: string;
  /**
   * Templates that replace messages, as an object or its JSON text; a bad one (an unknown
   * code, locale or placeholder, or bad syntax) rejects with a message naming it.
   */
  messages?: MessageTemplates | string;
  /**
   * Where veto.wasm comes from; default: the file beside veto.mjs (which webpack and Vite
   * emit with the bundle). A URL (resolved against the page's address), a `Response` or a
   * promise of one (e.g. `fetch()` of a `<link rel="preload">`ed URL), the bytes, or a
   * compiled `WebAssembly.Module`. A page loads the module once: only the first successful
   * load reads this option.
   */
  wasm?: WasmSource | PromiseLike<WasmSource>;
}

/** What the `wasm` option takes. */
export type WasmSource = string | URL | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

/**
 * Loads the module once and a ruleset. Rejects with the loader's message for a bad ruleset
 * or message template, and with a message naming the URL and what failed (HTTP status, not
 * a Wasm module, network error) for a failed load, after which the next call tries again.
 */
export function createValidator(options?: ValidatorOptions): Promise<Validator>;

/** veto's version, e.g. "0.1.0" (the same as `veto --version` and the C++ header's). */
export const version: string;

// BEGIN generated by tools/gen-codes from src/core/codes.h: do not edit by hand
/** Every stable code an issue can have (docs/contract.md §3). */
export type Code =
  | 'form.too_large'
  | 'form.encoding'
  | 'form.json'
  | 'form.not_object'
  | 'form.duplicate_field'
  | 'unknown_field'
  | 'required'
  | 'type'
  | 'too_long'
  | 'encoding'
  | 'email.no_at'
  | 'email.local_empty'
  | 'email.domain_empty'
  | 'email.quoted_local'
  | 'email.local_char'
  | 'email.smtputf8'
  | 'email.local_dot'
  | 'email.local_too_long'
  | 'email.domain_literal'
  | 'email.domain_invalid'
  | 'email.domain_dot'
  | 'email.domain_label_too_long'
  | 'email.domain_too_long'
  | 'email.domain_no_dot'
  | 'email.tld_numeric'
  | 'email.special_use'
  | 'email.domain_no_mail'
  | 'email.too_long'
  | 'email.confusable'
  | 'email.typo'
  | 'country.unknown'
  | 'country.alias'
  | 'country.not_eligible'
  | 'phone.invalid'
  | 'phone.type'
  | 'phone.region_mismatch'
  | 'text.forbidden_char'
  | 'text.too_short'
  | 'text.too_long'
  | 'text.too_few_words'
  | 'text.not_meaningful';

/** The parameters each code's issue carries in `params`. */
export interface CodeParams {
  'form.too_large': {};
  'form.encoding': {offset: number};
  'form.json': {};
  'form.not_object': {};
  'form.duplicate_field': {field: string};
  'unknown_field': {field: string};
  'required': {};
  'type': {};
  'too_long': {max: number; actual: number};
  'encoding': {offset: number};
  'email.no_at': {};
  'email.local_empty': {};
  'email.domain_empty': {};
  'email.quoted_local': {};
  'email.local_char': {char: string};
  'email.smtputf8': {};
  'email.local_dot': {};
  'email.local_too_long': {max: number; actual: number};
  'email.domain_literal': {};
  'email.domain_invalid': {reason: string};
  'email.domain_dot': {};
  'email.domain_label_too_long': {max: number};
  'email.domain_too_long': {max: number};
  'email.domain_no_dot': {};
  'email.tld_numeric': {};
  'email.special_use': {domain: string};
  'email.domain_no_mail': {domain: string};
  'email.too_long': {max: number; actual: number};
  'email.confusable': {domain: string; lookalike?: string};
  'email.typo': {suggestion: string};
  'country.unknown': {};
  'country.alias': {from: string; to: string};
  'country.not_eligible': {country: string};
  'phone.invalid': {reason: string};
  'phone.type': {type: string};
  'phone.region_mismatch': {region: string};
  'text.forbidden_char': {char: string; kind: string};
  'text.too_short': {min: number; actual: number};
  'text.too_long': {max: number; actual: number};
  'text.too_few_words': {min: number; actual: number};
  'text.not_meaningful': {};
}

/** The locales veto has messages for; any BCP 47 tag is negotiated to one of them. */
export type MessageLocale =
  | 'bg'
  | 'cs'
  | 'da'
  | 'de'
  | 'el'
  | 'en'
  | 'es'
  | 'et'
  | 'fi'
  | 'fr'
  | 'ga'
  | 'hr'
  | 'hu'
  | 'is'
  | 'it'
  | 'lt'
  | 'lv'
  | 'mt'
  | 'nb'
  | 'nl'
  | 'pl'
  | 'pt'
  | 'ro'
  | 'sk'
  | 'sl'
  | 'sv';

/** libphonenumber's number types, as a phone field's `allowed_types` names them. */
export type PhoneType =
  | 'fixed_line'
  | 'mobile'
  | 'fixed_line_or_mobile'
  | 'toll_free'
  | 'premium_rate'
  | 'shared_cost'
  | 'voip'
  | 'personal_number'
  | 'pager'
  | 'uan'
  | 'voicemail'
  | 'unknown';
// END generated by tools/gen-codes
