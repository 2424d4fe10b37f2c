// TypeScript declarations for veto.mjs (docs/contract.md §4 and §6.2).

/** A scalar in `params` and `info`. */
export type Scalar = string | number | boolean | null;

/** One error or warning: a stable code, its parameters and a localized message. */
export interface Issue {
  code: string;
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

/** One field of a ruleset, every option filled in. */
export interface RulesetField {
  name: string;
  kind: 'email' | 'country' | 'phone' | 'text';
  required: boolean;
  [option: string]: unknown;
}

export interface Ruleset {
  id: string;
  version: number;
  fields: RulesetField[];
}

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
  ruleset?: Ruleset | object | string;
  /** A BCP 47 tag; negotiated to a supported locale (exact tag, language, then "en"). */
  locale?: string;
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
 * Loads the module once and a ruleset. Rejects with the loader's message for a bad ruleset,
 * and with a message naming the URL and what failed (HTTP status, not a Wasm module, network
 * error) for a failed load, after which the next call tries again.
 */
export function createValidator(options?: ValidatorOptions): Promise<Validator>;

/** veto's version, e.g. "0.1.0" (the same as `veto --version` and the C++ header's). */
export const version: string;
