// veto's JavaScript API, appended to the Emscripten module (--extern-post-js) so that
// veto.mjs is ONE ES module, with veto.wasm beside it, for browsers and Node alike.
// docs/contract.md §6.2; the types are in veto.d.mts.

const vetoEncoder = new TextEncoder();
const vetoDecoder = new TextDecoder();
// veto_kind and veto_status of include/veto/veto_c.h, whose functions the module exports.
const vetoKinds = {string: 0, null: 1, number: 2, boolean: 3, array: 4, object: 5};
const vetoStatus = {ok: 0, ruleset: 2, noField: 3, messages: 6};
// sizeof(veto_member) in wasm32: name, name_length, text, text_length, kind, 4 bytes each.
const vetoMemberSize = 20;
// A call's layout in the scratch buffer (src/wasm/bindings.cpp): a veto_string
// out-parameter at 0, a veto_validator* out-parameter at 8, the input from 16 on.
const vetoHandleOut = 8;
const vetoInput = 16;

// Frees a validator's C++ side once its JS object is garbage collected.
const vetoRegistry = new FinalizationRegistry(({mod, handle}) => mod._veto_destroy(handle));

let vetoModule;  // the promise of the one instance of the Wasm module, shared by every validator

// Loads the module once. A failed load is forgotten, so that a later createValidator tries
// again (after a network error, a deploy that was missing the file, ...).
function loadVetoModule(wasm) {
  vetoModule ??= new Promise((resolve, reject) => {
    createVetoModule({
      // The glue's hook for instantiating the module ourselves: the glue's own fetch turns a
      // failure into an abort() that names neither URL nor status.
      instantiateWasm(imports, receive) {
        vetoInstantiate(wasm, imports).then(({instance, module}) => receive(instance, module), reject);
        return {};
      },
    }).then(resolve, reject);
  }).catch((error) => {
    vetoModule = undefined;
    throw error;
  });
  return vetoModule;
}

// Instantiates veto.wasm from the `wasm` option of createValidator: a URL (string or URL),
// a Response or a promise of one, the bytes, or a compiled WebAssembly.Module; by default
// the file beside veto.mjs. That default is written as `new URL('./veto.wasm',
// import.meta.url)` on purpose: webpack 5 and Vite (tests/package/) recognize the pattern and emit
// veto.wasm with the bundle. Resolves to {instance, module}; every failure is an Error
// naming what failed (the URL and the HTTP status, the file, or the bytes).
async function vetoInstantiate(wasm, imports) {
  let source;
  try {
    source = await (wasm ?? new URL('./veto.wasm', import.meta.url));
  } catch (error) {
    throw new Error(`veto: the promise passed as \`wasm\` rejected: ${vetoReason(error)}`, {cause: error});
  }
  if (source instanceof WebAssembly.Module) {
    const instance = await vetoCompiled('the WebAssembly.Module passed as `wasm`',
                                        WebAssembly.instantiate(source, imports));
    return {instance, module: source};
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return vetoFromBytes(source, 'the bytes passed as `wasm`', imports);
  }
  if (typeof Response === 'function' && source instanceof Response) {
    return vetoFromResponse(source, source.url || 'the Response passed as `wasm`', imports);
  }
  let url;
  try {
    url = new URL(source, globalThis.location?.href);
  } catch {
    throw new TypeError(`veto: the wasm option ${JSON.stringify(String(source))} is not a URL ` +
                        '(nor a Response, the bytes or a WebAssembly.Module)');
  }
  if (url.protocol === 'file:' && vetoIsNode) {
    // Node's fetch cannot read file: URLs.
    let bytes;
    try {
      bytes = await require('node:fs/promises').readFile(url);  // web/node-shim.js's require
    } catch (error) {
      throw new Error(`veto: cannot read veto.wasm at ${url.href}: ${vetoReason(error)}`, {cause: error});
    }
    return vetoFromBytes(bytes, url.href, imports);
  }
  let response;
  try {
    response = await fetch(url, {credentials: 'same-origin'});
  } catch (error) {
    throw new Error(`veto: cannot fetch veto.wasm from ${url.href}: ${vetoReason(error)}`, {cause: error});
  }
  return vetoFromResponse(response, url.href, imports);
}

async function vetoFromResponse(response, where, imports) {
  if (!response.ok) {
    throw new Error(`veto: loading veto.wasm from ${where} failed: HTTP ${response.status}` +
                    (response.statusText ? ` ${response.statusText}` : ''));
  }
  const type = (response.headers.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/wasm' && typeof WebAssembly.instantiateStreaming === 'function') {
    return vetoCompiled(where, WebAssembly.instantiateStreaming(response, imports));
  }
  // Streaming compilation refuses any other Content-Type: compile from the bytes instead,
  // so that a server sending veto.wasm as application/octet-stream still works.
  let bytes;
  try {
    bytes = await response.arrayBuffer();
  } catch (error) {
    throw new Error(`veto: cannot read veto.wasm from ${where}: ${vetoReason(error)}`, {cause: error});
  }
  const magic = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  if (String.fromCharCode(...magic) !== '\0asm') {
    throw new Error(`veto: ${where} is not a WebAssembly module (Content-Type ${type || 'none'}; ` +
                    'an error page, or a server that answers every path with its index page?)');
  }
  return vetoFromBytes(bytes, where, imports);
}

function vetoFromBytes(bytes, where, imports) {
  return vetoCompiled(where, WebAssembly.instantiate(bytes, imports));
}

// Names where the module came from when it does not compile or link.
async function vetoCompiled(where, instantiation) {
  try {
    return await instantiation;
  } catch (error) {
    throw new Error(`veto: cannot instantiate veto.wasm from ${where}: ${vetoReason(error)}`,
                    {cause: error});
  }
}

// An error's message with its cause's (Node's fetch says "fetch failed", its cause why).
function vetoReason(error) {
  const cause = error?.cause?.message ?? error?.cause?.code;
  return String(error?.message ?? error) + (cause ? ` (${cause})` : '');
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

// The string a call left in the veto_string at `out`, decoded; frees it.
function vetoTake(mod, out) {
  const view = new DataView(mod.HEAPU8.buffer);
  const data = view.getUint32(out, true);
  const text = vetoDecoder.decode(mod.HEAPU8.subarray(data, data + view.getUint32(out + 4, true)));
  mod._veto_free(data);
  return text;
}

function vetoCheck(status) {
  if (status !== vetoStatus.ok) throw new Error(`veto: the call failed (veto_status ${status})`);
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

  /** Validates a form object; gives the result object of docs/contract.md §4. */
  validate(form) {
    if (form === null || typeof form !== 'object' || Array.isArray(form)) {
      return JSON.parse(this.validateJson(JSON.stringify(form) ?? ''));
    }
    const members = vetoMembers(form);
    const [structs, count] = this.#pack(members, this.#begin(vetoPackedSize(members)));
    return JSON.parse(this.#take(this.#mod._veto_validate_members(
        this.#handle, structs, count, this.#scratch + vetoInput, this.#localeLength,
        this.#scratch)));
  }

  /**
   * Validates one JSON document (a string, or its bytes as a Uint8Array); gives the result
   * as compact JSON text, byte-identical to the CLI's line for the same input line.
   */
  validateJson(text) {
    const isBytes = text instanceof Uint8Array;
    if (!isBytes) text = String(text);
    const start = this.#begin(isBytes ? text.length : 3 * text.length);
    const heap = this.#mod.HEAPU8;
    let length;
    if (isBytes) {
      heap.set(text, start);
      length = text.length;
    } else {
      length = vetoWriteUtf8(text, heap, start);
    }
    return this.#take(this.#mod._veto_validate_json(
        this.#handle, start, length, this.#scratch + vetoInput, this.#localeLength,
        this.#scratch));
  }

  /**
   * Validates the field `name` holding `value`, reading the rest of `form` where a rule needs
   * it; gives that field's result object, for feedback while a person types.
   */
  validateField(name, value, form = {}) {
    const members = vetoMembers({...form, [name]: value});
    name = String(name);
    const start = this.#begin(3 * name.length + vetoPackedSize(members));
    const nameLength = vetoWriteUtf8(name, this.#mod.HEAPU8, start);
    const [structs, count] = this.#pack(members, start + nameLength);
    const status = this.#mod._veto_validate_field(
        this.#handle, start, nameLength, structs, count, this.#scratch + vetoInput,
        this.#localeLength, this.#scratch);
    if (status === vetoStatus.noField) {
      throw new RangeError(`veto: the ruleset has no field "${name}"`);
    }
    return JSON.parse(this.#take(status));
  }

  /**
   * Every assigned country for a dropdown: [{code, name, eligible}], named in `locale`
   * (default: the validator's) and in the order people of that locale expect.
   */
  countries(locale = this.#locale) {
    this.#begin(0, String(locale));
    return JSON.parse(this.#take(this.#mod._veto_countries(
        this.#handle, this.#scratch + vetoInput, this.#localeLength, this.#scratch)));
  }

  /**
   * `n` (a safe integer) written as the messages of `locale` (default: the validator's)
   * write numbers: "5.000" in de and it, "5000" in es. For a page's own numbers beside the
   * messages, such as a character counter, so that both read alike.
   */
  formatInteger(n, locale = this.#locale) {
    if (!Number.isSafeInteger(n)) throw new RangeError(`veto: formatInteger needs a safe integer, not ${n}`);
    this.#begin(0, String(locale));
    // The module has no BigInt interface: the int64 crosses as its low and high 32 bits.
    const low = (n % 2 ** 32) | 0, high = Math.floor(n / 2 ** 32) | 0;
    return this.#take(this.#mod._veto_format_integer(
        this.#handle, low, high, this.#scratch + vetoInput, this.#localeLength, this.#scratch));
  }

  /**
   * Pays the phone check's one-time set-up (libphonenumber reads all regions' metadata,
   * ~75 ms here) now instead of on the first phone number: call it when the page is idle,
   * e.g. requestIdleCallback(() => validator.warmUp()). Forms without a phone never pay it.
   */
  warmUp() {
    vetoCheck(this.#mod._veto_warm_up());
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

  // Reserves the scratch buffer for a call: the out-parameters, `locale` (written now; the
  // validator's unless the call names another), then `extra` bytes, whose start it returns.
  #begin(extra, locale = this.#locale) {
    this.#scratch = this.#mod._veto_wasm_scratch(vetoInput + 3 * locale.length + extra);
    this.#localeLength = vetoWriteUtf8(locale, this.#mod.HEAPU8, this.#scratch + vetoInput);
    return this.#scratch + vetoInput + this.#localeLength;
  }

  #scratch = 0;
  #localeLength = 0;

  // Writes the members as veto_member structs at `at` (aligned up to 4), their names and
  // texts after them; returns the structs' address and count.
  #pack(members, at) {
    const heap = this.#mod.HEAPU8;
    const view = new DataView(heap.buffer);
    const structs = (at + 3) & ~3;
    let pos = structs + members.length * vetoMemberSize;
    members.forEach(([name, kind, value], i) => {
      const struct = structs + i * vetoMemberSize;
      const nameLength = vetoWriteUtf8(name, heap, pos);
      view.setUint32(struct, pos, true);
      view.setUint32(struct + 4, nameLength, true);
      pos += nameLength;
      const textLength = kind === vetoKinds.string ? vetoWriteUtf8(value, heap, pos) : 0;
      view.setUint32(struct + 8, pos, true);
      view.setUint32(struct + 12, textLength, true);
      view.setInt32(struct + 16, kind, true);
      pos += textLength;
    });
    return [structs, members.length];
  }

  // The result of a call that gives a string: checks its status, takes the string.
  #take(status) {
    vetoCheck(status);
    return vetoTake(this.#mod, this.#scratch);
  }
}

// A form's members as [name, kind, value], read once (a getter is not asked twice, so the
// sizes reserved are the sizes written), without those JSON.stringify would leave out.
function vetoMembers(form) {
  const members = [];
  for (const name of Object.keys(form)) {
    const value = form[name];
    const kind = vetoKind(value);
    if (kind !== undefined) members.push([name, kind, value]);
  }
  return members;
}

// The bytes #pack may write for `members`: alignment, structs and 3 bytes a code unit.
function vetoPackedSize(members) {
  let size = 3;
  for (const [name, kind, value] of members) {
    size += vetoMemberSize + 3 * name.length + (kind === vetoKinds.string ? 3 * value.length : 0);
  }
  return size;
}

/**
 * Loads the module (once) and a ruleset: `ruleset` as an object or JSON text (default: the
* ruleset that ships with veto), `locale` a BCP 47 tag for messages (default "en"),
 * `messages` message templates {code: {locale: template}} (an object or JSON text) that
 * replace the catalogs' messages (docs/contract.md §7.5), `wasm` where veto.wasm comes from
 * (see vetoInstantiate; only the first successful load reads it). A bad ruleset or template
 * rejects with the loader's message, which names the bad place; a failed load with the URL
 * and what went wrong, and the next call tries again.
 */
export async function createValidator({ruleset, locale = 'en', messages, wasm} = {}) {
  const mod = await loadVetoModule(wasm);
  const text = ruleset === undefined ? '' :
      typeof ruleset === 'string' ? ruleset : JSON.stringify(ruleset);
  const custom = messages === undefined ? undefined :
      typeof messages === 'string' ? messages : JSON.stringify(messages) ?? '';
  const scratch = mod._veto_wasm_scratch(vetoInput + 3 * (text.length + (custom ?? '').length));
  const rulesetLength = vetoWriteUtf8(text, mod.HEAPU8, scratch + vetoInput);
  let status;
  if (custom !== undefined) {
    // 0 (NULL) for "the default ruleset"; the templates right after the ruleset's text.
    const at = scratch + vetoInput + rulesetLength;
    status = mod._veto_create_with_messages(
        text === '' ? 0 : scratch + vetoInput, rulesetLength,
        at, vetoWriteUtf8(custom, mod.HEAPU8, at), scratch + vetoHandleOut, scratch);
  } else if (text === '') {
    status = mod._veto_create_default(scratch + vetoHandleOut);
  } else {
    status = mod._veto_create(scratch + vetoInput, rulesetLength, scratch + vetoHandleOut, scratch);
  }
  if (status === vetoStatus.ruleset || status === vetoStatus.messages) {
    throw new Error(`veto: ${vetoTake(mod, scratch)}`);
  }
  vetoCheck(status);
  const handle = new DataView(mod.HEAPU8.buffer).getUint32(scratch + vetoHandleOut, true);
  vetoCheck(mod._veto_ruleset_json(handle, scratch));
  const validator = new VetoValidator(mod, handle, String(locale), vetoTake(mod, scratch));
  vetoRegistry.register(validator, {mod, handle}, validator);
  return validator;
}

/** veto's version, e.g. "0.1.0": CMakeLists.txt's, which the build writes into vetoVersion. */
export const version = vetoVersion;
