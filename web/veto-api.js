// veto's JavaScript API, appended to the Emscripten module (--extern-post-js) so that
// veto.mjs is ONE ES module, with veto.wasm beside it, for browsers and Node alike.
// SPEC section 5; the types are in veto.d.mts.

const vetoEncoder = new TextEncoder();
const vetoDecoder = new TextDecoder();
const vetoKinds = {string: 0, null: 1, number: 2, boolean: 3, array: 4, object: 5};

// Frees a validator's C++ side once its JS object is garbage collected.
const vetoRegistry = new FinalizationRegistry(({mod, handle}) => mod._veto_destroy(handle));

let vetoModule;  // one instance of the Wasm module, shared by every validator

function loadVetoModule() {
  if (!vetoModule) {
    vetoModule = (async () => {
      const options = {};
      if (vetoIsNode) {
        // Node's fetch cannot read file: URLs, so hand the bytes over directly.
        const {readFile} = require('node:fs/promises');  // web/node-shim.js's require
        options.wasmBinary = await readFile(new URL('veto.wasm', import.meta.url));
      }
      return createVetoModule(options);
    })();
  }
  return vetoModule;
}

// Writes `text` as UTF-8 at `heap[offset]` and returns the byte count. A lone surrogate
// becomes its 3-byte generalized UTF-8 form, which is ill-formed: veto then reports it
// (form.encoding, or the field's `encoding`) instead of silently replacing it with U+FFFD
// as TextEncoder would. The caller reserves 3 bytes per UTF-16 code unit.
function vetoWriteUtf8(text, heap, offset) {
  if (typeof text.isWellFormed !== 'function' || text.isWellFormed()) {
    return vetoEncoder.encodeInto(text, heap.subarray(offset)).written;
  }
  let pos = offset;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) {
      heap[pos++] = c;
    } else if (c < 0x800) {
      heap[pos++] = 0xc0 | (c >> 6);
      heap[pos++] = 0x80 | (c & 0x3f);
    } else if (c < 0x10000) {
      heap[pos++] = 0xe0 | (c >> 12);
      heap[pos++] = 0x80 | ((c >> 6) & 0x3f);
      heap[pos++] = 0x80 | (c & 0x3f);
    } else {
      heap[pos++] = 0xf0 | (c >> 18);
      heap[pos++] = 0x80 | ((c >> 12) & 0x3f);
      heap[pos++] = 0x80 | ((c >> 6) & 0x3f);
      heap[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return pos - offset;
}

// The JSON type of a member value as veto's core knows it; undefined for values that
// JSON.stringify would leave out (undefined, functions, symbols).
function vetoKind(value) {
  if (value === null) return vetoKinds.null;
  if (Array.isArray(value)) return vetoKinds.array;
  switch (typeof value) {
    case 'string': return vetoKinds.string;
    case 'number': case 'bigint': return vetoKinds.number;
    case 'boolean': return vetoKinds.boolean;
    case 'object': return vetoKinds.object;
    default: return undefined;
  }
}

class VetoValidator {
  #mod;
  #handle;
  #locale;

  constructor(mod, handle, locale, rulesetJson) {
    this.#mod = mod;
    this.#handle = handle;
    this.#locale = locale;
    /** The ruleset as loaded, every default filled in. */
    this.ruleset = JSON.parse(rulesetJson);
  }

  /** Validates a form object; gives the result object of SPEC section 3. */
  validate(form) {
    if (form === null || typeof form !== 'object' || Array.isArray(form)) {
      return JSON.parse(this.validateJson(JSON.stringify(form) ?? ''));
    }
    const locale = this.#writeLocale(this.#packedSize(form));
    const packed = this.#pack(form, locale);
    return this.#result(this.#mod._veto_validate_members(this.#handle, locale, packed));
  }

  /**
   * Validates one JSON document (a string, or its bytes as a Uint8Array); gives the result
   * as compact JSON text, byte-identical to the CLI's line for the same input line.
   */
  validateJson(text) {
    const isBytes = text instanceof Uint8Array;
    if (!isBytes) text = String(text);
    const locale = this.#writeLocale(isBytes ? text.length : 3 * text.length);
    const heap = this.#mod.HEAPU8;
    const start = this.#inputPointer + locale;
    let length;
    if (isBytes) {
      heap.set(text, start);
      length = text.length;
    } else {
      length = vetoWriteUtf8(text, heap, start);
    }
    return this.#text(this.#mod._veto_validate_json(this.#handle, locale, length));
  }

  /**
   * Validates the field `name` holding `value`, reading the rest of `form` where a rule needs
   * it; gives that field's result object, for feedback while a person types.
   */
  validateField(name, value, form = {}) {
    const members = {...form, [name]: value};
    name = String(name);
    const locale = this.#writeLocale(3 * name.length + this.#packedSize(members));
    const nameLength = vetoWriteUtf8(name, this.#mod.HEAPU8, this.#inputPointer + locale);
    const packed = this.#pack(members, locale + nameLength);
    const output = this.#mod._veto_validate_field(this.#handle, locale, nameLength, packed);
    if (!output) throw new RangeError(`veto: the ruleset has no field "${name}"`);
    return JSON.parse(this.#text(output));
  }

  /**
   * Every assigned country for a dropdown: [{code, name, eligible}], named in `locale`
   * (default: the validator's) and in the order people of that locale expect.
   */
  countries(locale = this.#locale) {
    const localeLength = vetoWriteUtf8(String(locale), this.#mod.HEAPU8,
                                       this.#mod._veto_input(3 * String(locale).length));
    return JSON.parse(this.#text(this.#mod._veto_countries(this.#handle, localeLength)));
  }

  /**
   * Pays the phone check's one-time set-up (libphonenumber reads all regions' metadata,
   * ~75 ms here) now instead of on the first phone number: call it when the page is idle,
   * e.g. requestIdleCallback(() => validator.warmUp()). Forms without a phone never pay it.
   */
  warmUp() {
    this.#mod._veto_warm_up();
  }

  /**
   * The size of the module's linear memory in bytes, shared by every validator of the page.
   * It only ever grows, so a figure that stays put across many validations shows the heap
   * does not leak (the benchmark's memory check reads it).
   */
  get memoryBytes() {
    return this.#mod.HEAPU8.length;
  }

  /**
   * Frees the validator's memory in the module now rather than when it is garbage
   * collected; the validator is unusable afterwards.
   */
  dispose() {
    if (this.#handle) {
      vetoRegistry.unregister(this);
      this.#mod._veto_destroy(this.#handle);
    }
    this.#handle = 0;
  }

  // The input buffer starts with the locale; reserves `extra` bytes after it.
  #writeLocale(extra) {
    const capacity = 3 * this.#locale.length + extra;
    this.#inputPointer = this.#mod._veto_input(capacity);
    return vetoWriteUtf8(this.#locale, this.#mod.HEAPU8, this.#inputPointer);
  }

  #inputPointer = 0;

  #packedSize(form) {
    let size = 4;
    for (const key of Object.keys(form)) {
      const value = form[key];
      size += 9 + 3 * key.length + (typeof value === 'string' ? 3 * value.length : 0);
    }
    return size;
  }

  // Packs the members as src/wasm/bindings.cpp reads them, at `offset` into the input
  // buffer; returns the packed length.
  #pack(form, offset) {
    const heap = this.#mod.HEAPU8;
    const view = new DataView(heap.buffer);
    const start = this.#inputPointer + offset;
    let pos = start + 4;
    let count = 0;
    for (const key of Object.keys(form)) {
      const value = form[key];
      const kind = vetoKind(value);
      if (kind === undefined) continue;
      heap[pos] = kind;
      const nameLength = vetoWriteUtf8(key, heap, pos + 5);
      view.setUint32(pos + 1, nameLength, true);
      pos += 5 + nameLength;
      const textLength = kind === vetoKinds.string ? vetoWriteUtf8(value, heap, pos + 4) : 0;
      view.setUint32(pos, textLength, true);
      pos += 4 + textLength;
      count++;
    }
    view.setUint32(start, count, true);
    return pos - start;
  }

  #text(pointer) {
    const length = this.#mod._veto_output_length();
    return vetoDecoder.decode(this.#mod.HEAPU8.subarray(pointer, pointer + length));
  }

  #result(pointer) {
    return JSON.parse(this.#text(pointer));
  }
}

/**
 * Loads the module (once) and a ruleset: `ruleset` as an object or JSON text (default: the
 * ruleset that ships with veto), `locale` a BCP 47 tag for messages (default "en"). A bad
 * ruleset rejects with the loader's message, which names the bad place.
 */
export async function createValidator({ruleset, locale = 'en'} = {}) {
  const mod = await loadVetoModule();
  const text = ruleset === undefined ? '' :
      typeof ruleset === 'string' ? ruleset : JSON.stringify(ruleset);
  const pointer = mod._veto_input(3 * text.length);
  const handle = mod._veto_create(pointer, vetoWriteUtf8(text, mod.HEAPU8, pointer));
  const output = mod._veto_output();
  const loaded = vetoDecoder.decode(
      mod.HEAPU8.subarray(output, output + mod._veto_output_length()));
  if (!handle) throw new Error(`veto: ${loaded}`);
  const validator = new VetoValidator(mod, handle, String(locale), loaded);
  vetoRegistry.register(validator, {mod, handle}, validator);
  return validator;
}
