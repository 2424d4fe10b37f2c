// The objection page's script. The server renders a complete, localized page that works
// without JavaScript (docs/page-and-server.md); this module adds what needs the validator:
// live messages, the typo fix, the grapheme counter, language switching without a reload,
// and sending with fetch. Until the Wasm module is in, the browser's own constraints apply
// and the form posts normally.

const FIELDS = ['email', 'country', 'phone', 'justification', 'details'];
const STORED_LOCALE = 'veto.locale';

const form = document.getElementById('objection');
const byId = (id) => document.getElementById(id);
const control = (name) => form.elements[name];

let locale = document.documentElement.lang;
let strings = {};           // page strings of `locale`
let vetoModule = null;      // the imported veto.mjs
let ruleset;                // the server's ruleset (undefined: the one veto ships)
let validator = null;       // null until the module is in: then the page validates
let countriesLocale = locale;  // the language the country names are in
let firstValidationShown = false;
let sending = false;
let submission = null;      // {body, key}: a retry of the same body reuses the key
let localeRequest = 0;      // the latest language switch wins
const dirty = new Set();    // fields the person has changed
const errored = new Set();  // fields that have shown an error: they re-validate as you type

const t = (key, params = {}) =>
    (strings[key] ?? key).replace(/\{(\w+)\}/g, (m, name) => params[name] ?? m);

// A field named next to its message (the summary, an announcement): the catalog's short
// FIELD.summary_label where the label is a long question, joined by the catalog's
// summary.item ("{label}: {message}"; French puts U+202F before the colon). The server
// joins its no-JavaScript summary the same way (server/src/pages.cpp).
const summaryItem = (name, message) =>
    t('summary.item', {label: strings[`${name}.summary_label`] ?? t(`${name}.label`), message});

// Counts the page writes itself, written as the validator writes numbers in its messages
// (CLDR 42; pt is European Portuguese), not with the browser's Intl.NumberFormat, whose
// newer CLDR writes 5000 in hu, it and sl where the messages write "5 000" / "5.000".
const formatNumber = (n) => validator.formatInteger(n, locale);

function formValues() {
  return Object.fromEntries(FIELDS.map((name) => [name, control(name).value]));
}

async function loadStrings(tag) {
  for (const candidate of [tag, 'en']) {
    try {
      const response = await fetch(`i18n/${candidate}.json`);
      if (response.ok) return await response.json();
    } catch { /* try the next one */ }
  }
  return {};
}

// ---- showing verdicts ----

function issueElements(name, issue, kind) {
  const message = document.createElement('span');
  message.className = `msg ${kind}`;
  message.dataset.code = issue.code;
  message.textContent = issue.message;
  const elements = [message];
  if (issue.code === 'email.typo' && issue.params.suggestion) {
    const fix = document.createElement('button');
    fix.type = 'button';
    fix.className = 'fix';
    fix.textContent = t('typo.fix', {suggestion: issue.params.suggestion});
    fix.addEventListener('click', () => {
      control(name).value = issue.params.suggestion;
      dirty.add(name);
      control(name).focus();
      validateField(name);
    });
    elements.push(fix);
  } else if (issue.code === 'email.confusable') {
    const explain = document.createElement('span');
    explain.className = 'explain';
    explain.textContent = t('confusable.explain');
    elements.push(explain);
  }
  return elements;
}

function showField(name, result) {
  const box = byId(`${name}-messages`);
  // Unchanged messages stay as they are: re-rendering on leaving the email field would
  // pull the typo fix button away from under the pointer that is clicking it.
  const shown = JSON.stringify([result.errors, result.warnings, locale]);
  if (box.dataset.shown !== shown) {
    box.dataset.shown = shown;
    box.replaceChildren(...result.errors.flatMap((issue) => issueElements(name, issue, 'error')),
                        ...result.warnings.flatMap((issue) => issueElements(name, issue, 'warning')));
  }
  control(name).setAttribute('aria-invalid', String(result.errors.length > 0));
  if (result.errors.length) errored.add(name);
  if (name === 'justification') showCounter(result);
  if (!firstValidationShown) {
    firstValidationShown = true;
    performance.mark('veto:first-validation');
  }
}

// The counter shows the validator's own grapheme count, so it never disagrees with the
// verdict. A text with a forbidden character is not counted: the last count stays.
function showCounter(result) {
  const counter = byId('justification-counter');
  const field = validator?.ruleset.fields.find((f) => f.name === 'justification');
  if (!field) return;
  const value = control('justification').value;
  const count = result.info.graphemes ?? (value.trim() ? Number(counter.dataset.count ?? 0) : 0);
  counter.dataset.count = count;
  counter.textContent = t('justification.counter',
                          {count: formatNumber(count), max: formatNumber(field.max_graphemes)});
  counter.classList.toggle('over', count > field.max_graphemes);
  counter.hidden = false;
}

function showSummary(result) {
  const summary = byId('summary');
  const items = [];
  // One line per field, with its first error, as the server renders it; the field itself
  // shows them all.
  for (const name of FIELDS) {
    const [issue] = result.fields[name]?.errors ?? [];
    if (!issue) continue;
    const link = document.createElement('a');
    link.href = `#${name}`;
    link.textContent = summaryItem(name, issue.message);
    items.push(link);
  }
  for (const issue of result.form.errors) items.push(document.createTextNode(issue.message));
  // Unchanged, it stays as it is, so a link being clicked is not replaced under the pointer.
  const shown = JSON.stringify([locale, items.map((item) => item.textContent)]);
  if (summary.dataset.shown === shown) return;
  summary.dataset.shown = shown;
  if (!items.length) {
    summary.hidden = true;
    summary.replaceChildren();
    return;
  }
  const title = document.createElement('h2');
  title.id = 'summary-title';
  title.textContent = t('summary.title');
  const list = document.createElement('ul');
  for (const item of items) list.appendChild(document.createElement('li')).append(item);
  summary.replaceChildren(title, list);
  summary.hidden = false;
}

function showResult(result) {
  for (const name of FIELDS) if (result.fields[name]) showField(name, result.fields[name]);
  showSummary(result);
}

function announce(text) {
  // Clearing first makes a repeated text be announced again.
  const live = byId('live');
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 50);
}

function validateField(name) {
  const result = validator.validateField(name, control(name).value, formValues());
  showField(name, result);
  return result;
}

// After a submit the first field with an error gets the focus; the summary above lists all.
function focusFirstInvalid(result) {
  const invalid = FIELDS.filter((name) => result.fields[name]?.errors.length);
  announce(t('summary.count', {count: invalid.length}));
  if (invalid.length) control(invalid[0]).focus();
  else byId('summary').focus();
}

// ---- events ----

form.addEventListener('input', (event) => {
  const name = event.target.name;
  if (!FIELDS.includes(name)) return;
  dirty.add(name);
  if (!validator) return;
  if (errored.has(name)) validateField(name);
  else if (name === 'justification') showCounter(validator.validateField(name, event.target.value));
});

// Leaving a field the person has changed shows its verdict (and speaks it); tabbing
// through an empty form does not shower it with "required". Not while the submit button
// is pressed, though: messages appearing above it would move it away from under the
// pointer before the click ends, and sending checks everything anyway.
let pressingSubmit = false;
byId('submit').addEventListener('pointerdown', () => { pressingSubmit = true; });
document.addEventListener('pointerup', () => { pressingSubmit = false; });
document.addEventListener('pointercancel', () => { pressingSubmit = false; });

form.addEventListener('focusout', (event) => {
  const name = event.target.name;
  if (!validator || !FIELDS.includes(name)) return;
  if (pressingSubmit) return;
  if (!dirty.has(name) && !byId(`${name}-messages`).hasChildNodes()) return;
  const result = validateField(name);
  // A summary on show follows the corrections.
  if (!byId('summary').hidden) showSummary(validator.validate(formValues()));
  const issues = [...result.errors, ...result.warnings];
  if (issues.length) announce(summaryItem(name, issues.map((i) => i.message).join(' ')));
});

form.addEventListener('change', (event) => {
  if (!validator) return;
  // The phone number is read against the country, so a new country re-checks it.
  if (event.target.name === 'country' && control('phone').value.trim()) validateField('phone');
});

byId('summary').addEventListener('click', (event) => {
  const link = event.target.closest('a[href^="#"]');
  if (!link) return;
  event.preventDefault();
  control(link.hash.slice(1))?.focus();
});

form.addEventListener('submit', async (event) => {
  if (!validator) return;  // not ready: the browser checks and posts the form itself
  event.preventDefault();
  if (sending) return;
  clearSendError();
  const values = formValues();
  const result = validator.validate(values);
  showResult(result);
  if (!result.valid) {
    focusFirstInvalid(result);
    return;
  }
  if (form.dataset.mailMode === 'code') await askForCode(values, result);
  else await send(values);
});

byId('locale').addEventListener('change', (event) => {
  localStorage.setItem(STORED_LOCALE, event.target.value);
  switchLocale(event.target.value);
});

// ---- sending ----

function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function setSending(on) {
  sending = on;
  const button = byId('submit');
  button.textContent = t(on ? 'submitting' : 'submit');
  button.dataset.i18n = on ? 'submitting' : 'submit';
  button.setAttribute('aria-disabled', String(on));
}

async function send(values, code) {
  const body = JSON.stringify(values);
  if (submission?.body !== body) {
    // The server's key goes with the first body; a changed form is a new submission.
    submission = {body, key: submission ? newKey() : control('idempotency_key').value || newKey()};
  }
  setSending(true);
  let response, answer;
  try {
    response = await fetch(`api/objections?locale=${encodeURIComponent(locale)}`, {
      method: 'POST',
      headers: {'content-type': 'application/json', 'idempotency-key': submission.key,
                ...(code === undefined ? {} : {'confirmation-code': code})},
      body,
    });
    answer = await response.json().catch(() => null);
  } catch {
    if (code === undefined) showSendError('error.network');
    else showCodeError('error.network');
    return;
  } finally {
    setSending(false);
  }
  if ((response.status === 201 || response.status === 200) && answer?.receipt) {
    showReceipt(answer.receipt);
  } else if (response.status === 403 && CODE_REFUSALS[answer?.error?.code]) {
    showCodeError(CODE_REFUSALS[answer.error.code]);
  } else if (response.status === 422 && answer?.result) {
    leaveCodeStep();
    // The server is authoritative: its messages replace the page's.
    showResult(answer.result);
    focusFirstInvalid(answer.result);
  } else {
    showSendError('error.server');
  }
}

function clearSendError() {
  const box = byId('send-error');
  delete box.dataset.i18n;
  box.textContent = '';
}

function showSendError(key) {
  const box = byId('send-error');
  box.dataset.i18n = key;
  box.textContent = t(key);
}

function showReceipt(receipt) {
  form.hidden = true;
  byId('code-step').hidden = true;
  byId('receipt-number').textContent = receipt;
  byId('again').href = `./?lang=${locale}`;
  const section = byId('receipt');
  section.hidden = false;
  document.title = t('received.title');
  section.focus();
}

// ---- mode code: a code to the address before the objection is sent ----

// The server's refusals of a code (docs/page-and-server.md) and the page strings that say them.
const CODE_REFUSALS = {
  'confirmation.missing': 'code.missing',
  'confirmation.wrong': 'code.wrong',
  'confirmation.expired': 'code.expired',
  'confirmation.exhausted': 'code.exhausted',
  'confirmation.unknown': 'code.unknown',
};
const codeStep = byId('code-step');
const codeInput = byId('code');
let codeFor = null;  // {values, address}: the form the code is for, while the step is on show

// Asks for a code for `values` (valid: `result` is the page's verdict) and, once it is on
// its way, shows the code step with the focus in the code input.
async function askForCode(values, result) {
  setSending(true);
  let response, answer;
  try {
    response = await fetch(`api/codes?locale=${encodeURIComponent(locale)}`, {
      method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(values)});
    answer = await response.json().catch(() => null);
  } catch {
    return codeFor ? showCodeError('error.network') : showSendError('error.network');
  } finally {
    setSending(false);
  }
  if (response.status === 202) {
    const resent = codeFor !== null;
    if (!resent) codeFor = {values, address: result.fields.email?.value ?? values.email.trim()};
    showCodeStep(resent);
  } else if (response.status === 422 && answer?.result) {
    leaveCodeStep();
    showResult(answer.result);
    focusFirstInvalid(answer.result);
  } else if (response.status === 429) {
    if (codeFor) showCodeError('code.too_many');
    else showSendError('code.too_many');
  } else if (codeFor) {
    showCodeError('error.server');
  } else {
    showSendError('error.server');
  }
}

function showCodeStep(resent) {
  form.hidden = true;
  codeStep.hidden = false;
  byId('code-intro').textContent = t('code.intro', {email: codeFor.address});
  const notice = byId('code-notice');
  notice.textContent = resent ? t('code.resent') : '';
  if (resent) notice.dataset.i18n = 'code.resent';
  else delete notice.dataset.i18n;
  clearCodeError();
  codeInput.value = '';
  codeInput.focus();
  if (resent) announce(t('code.resent'));
}

function leaveCodeStep() {
  if (!codeFor) return;
  codeFor = null;
  codeStep.hidden = true;
  form.hidden = false;
}

function clearCodeError() {
  byId('code-messages').replaceChildren();
  codeInput.setAttribute('aria-invalid', 'false');
}

// A refusal as the validator's messages look, on the code input, spoken, with the focus there.
function showCodeError(key) {
  const message = document.createElement('span');
  message.className = 'msg error';
  message.dataset.code = key;
  message.dataset.i18n = key;
  message.textContent = t(key);
  byId('code-messages').replaceChildren(message);
  codeInput.setAttribute('aria-invalid', 'true');
  codeInput.focus();
  announce(t(key));
}

codeStep.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (sending || !codeFor) return;
  const code = codeInput.value.trim();
  if (!code) return showCodeError('code.missing');
  clearCodeError();
  await send(codeFor.values, code);
});

byId('code-resend').addEventListener('click', () => {
  if (!sending && codeFor) askForCode(codeFor.values);
});

byId('code-change').addEventListener('click', () => {
  leaveCodeStep();
  control('email').focus();
});

// ---- language ----

function supportedLocales() {
  return Array.from(byId('locale').options, (option) => option.value);
}

// The first of the browser's languages that the page has: exact tag, then its language.
function preferredLocale() {
  const supported = supportedLocales();
  for (const tag of navigator.languages ?? []) {
    const lower = tag.toLowerCase();
    const language = lower.split('-')[0];
    const match = [lower, language, language === 'no' ? 'nb' : ''].find((c) => supported.includes(c));
    if (match) return match;
  }
  return null;
}

function renderCountries() {
  const select = control('country');
  const chosen = select.value;
  const options = [new Option(t('country.choose'), '')];
  for (const country of validator.countries(locale)) {
    const name = country.eligible ? country.name
        : `${country.name} — ${t('country.not_eligible_suffix')}`;
    const option = new Option(name, country.code, false, country.code === chosen);
    option.disabled = !country.eligible;
    options.push(option);
  }
  select.replaceChildren(...options);
  countriesLocale = locale;
}

// Shows every text in the current language, and the verdicts on show re-checked in it.
function relocalize() {
  document.documentElement.lang = locale;
  for (const element of document.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  if (!byId('receipt').hidden) document.title = t('received.title');
  if (codeFor) byId('code-intro').textContent = t('code.intro', {email: codeFor.address});
  byId('locale').value = locale;
  if (!validator) return;
  byId('status').textContent = t('status.ready');
  if (countriesLocale !== locale) renderCountries();
  for (const name of FIELDS) if (byId(`${name}-messages`).hasChildNodes()) validateField(name);
  showCounter(validator.validateField('justification', control('justification').value));
  if (!byId('summary').hidden) showSummary(validator.validate(formValues()));
}

async function switchLocale(next) {
  const request = ++localeRequest;
  const [catalog, nextValidator] = await Promise.all([
    loadStrings(next),
    vetoModule ? vetoModule.createValidator({ruleset, locale: next}) : null,
  ]);
  if (request !== localeRequest) return nextValidator?.dispose();
  locale = next;
  strings = catalog;
  if (nextValidator) {
    validator?.dispose();
    validator = nextValidator;
  }
  relocalize();
  if (location.pathname.endsWith('/')) history.replaceState(null, '', `?lang=${next}`);
}

// ---- start ----

async function loadValidator() {
  const rulesetRequest = fetch('api/ruleset')
      .then((response) => (response.ok ? response.json() : undefined)).catch(() => undefined);
  vetoModule = await import('./veto.mjs');
  ruleset = await rulesetRequest;
  const madeFor = locale;
  return {made: await vetoModule.createValidator({ruleset, locale: madeFor}), madeFor};
}

async function start() {
  byId('status').dataset.i18n = 'status.loading';
  const validatorRequest = loadValidator();
  strings = await loadStrings(locale);
  byId('status').textContent = t('status.loading');

  // The server chose the language from Accept-Language; a choice made here earlier, or
  // else the browser's language list, may say otherwise.
  const chosen = new URLSearchParams(location.search).get('lang') ?? localStorage.getItem(STORED_LOCALE);
  const wanted = supportedLocales().includes(chosen) ? chosen : preferredLocale();
  const switching = wanted && wanted !== locale ? switchLocale(wanted) : null;

  try {
    const {made, madeFor} = await validatorRequest;
    await switching;
    if (validator) {
      made.dispose();  // a language switch made one after the module came
    } else if (madeFor === locale) {
      validator = made;
    } else {
      made.dispose();  // a language switch finished before the module came
      validator = await vetoModule.createValidator({ruleset, locale});
    }
  } catch (error) {
    console.error(error);
    byId('status').dataset.i18n = 'status.offline';
    byId('status').textContent = t('status.offline');
    return;
  }
  performance.mark('veto:ready');
  form.noValidate = true;  // from now on the page's own messages speak, not the browser's
  byId('status').dataset.i18n = 'status.ready';
  for (const name of FIELDS) {
    // Messages the server rendered stay live; fields left before the module came get theirs now.
    if (byId(`${name}-messages`).hasChildNodes()) errored.add(name);
  }
  relocalize();
  for (const name of dirty) if (document.activeElement !== control(name)) validateField(name);
  const warmUp = () => validator.warmUp();
  if ('requestIdleCallback' in window) requestIdleCallback(warmUp, {timeout: 3000});
  else setTimeout(warmUp, 500);
}

start();
