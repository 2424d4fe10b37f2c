// The page: GET / rendered from web/index.html in the negotiated locale, the no-JavaScript
// path (POST /objections), the received page, and start-up errors of the templates.
import assert from 'node:assert/strict';
import {copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {distDir, fixturesDir, startFailure, startServer, summaryLine, tempDir, webDir} from './server.mjs';

const form = (fields) => new URLSearchParams(fields).toString();
const postForm = (server, body, headers = {}) => fetch(server.url + 'objections', {
  method: 'POST', redirect: 'manual',
  headers: {'content-type': 'application/x-www-form-urlencoded', ...headers}, body,
});
const justification = 'Meta must not train its AI models on my posts and photos.';

describe('page (web/index.html)', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server.stop(); });

  test('GET / is the page in English, complete, with a fresh idempotency key each time', async () => {
    const keys = new Set();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(server.url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const html = await res.text();
      assert.doesNotMatch(html, /\{\{/);
      assert.match(html, /<html lang="en" dir="ltr">/);
      assert.match(html, /<option value="">Choose your country<\/option>/);
      assert.match(html, /<option value="AT">Austria<\/option>/);
      assert.match(html, /<option value="US" disabled>United States — not covered by this form<\/option>/);
      assert.match(html, /<option value="en" selected>English<\/option>/);
      keys.add(/name="idempotency_key" value="([0-9a-f]{32})"/.exec(html)[1]);
    }
    assert.equal(keys.size, 3);
  });

  test('the locale comes from ?lang=, else Accept-Language, with the validator\'s negotiation', async () => {
    const cases = [
      [{lang: 'de'}, 'fr', 'de'], [{}, 'de-AT,de;q=0.9', 'de'], [{}, 'ja, pl;q=0.5', 'pl'],
      [{}, 'no', 'nb'], [{lang: 'xx'}, 'de', 'en'], [{}, '', 'en'],
    ];
    for (const [query, acceptLanguage, expected] of cases) {
      const url = server.url + (query.lang ? `?lang=${query.lang}` : '');
      const res = await fetch(url, {headers: acceptLanguage ? {'accept-language': acceptLanguage} : {}});
      const html = await res.text();
      assert.match(html, new RegExp(`<html lang="${expected}"`), `${JSON.stringify(query)} ${acceptLanguage}`);
      assert.equal(res.headers.get('content-language'), expected);
      assert.match(html, new RegExp(`<option value="${expected}" selected>`));
    }
    const german = await (await fetch(server.url + '?lang=de')).text();
    assert.match(german, /<option value="AT">Österreich<\/option>/);  // countries(locale)
  });

  test('no JavaScript: a valid form is stored and answered with 303 to the received page', async () => {
    const res = await postForm(server, form({
      locale: 'de', idempotency_key: 'nojs-valid', email: 'anna@example.de', country: 'AT',
      phone: '', justification, details: '',
    }));
    assert.equal(res.status, 303);
    const location = res.headers.get('location');
    assert.match(location, /^\/received\?receipt=[0-9A-Z-]{19}&lang=de$/);
    const page = await fetch(new URL(location, server.url));
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.doesNotMatch(html, /\{\{/);
    assert.match(html, /<html lang="de"/);
    assert.ok(html.includes(new URL(location, server.url).searchParams.get('receipt')));
    // The same submission again (a reload): the same receipt, stored once.
    const again = await postForm(server, form({
      locale: 'de', idempotency_key: 'nojs-valid', email: 'anna@example.de', country: 'AT',
      phone: '', justification, details: '',
    }));
    assert.equal(again.status, 303);
    assert.equal(again.headers.get('location'), location);
    // The same key with other values: 409, as a page.
    const other = await postForm(server, form({idempotency_key: 'nojs-valid', email: 'bob@example.de', country: 'AT', justification}));
    assert.equal(other.status, 409);
    assert.match(other.headers.get('content-type'), /^text\/html/);
  });

  test('no JavaScript: an invalid form comes back as the page with values and messages', async () => {
    const res = await postForm(server, form({
      locale: 'de', idempotency_key: 'nojs-invalid', email: '<script>x', country: 'US',
      phone: '', justification: 'kurz', details: '"quoted" & <b>',
    }));
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.doesNotMatch(html, /\{\{/);
    assert.match(html, /<html lang="de"/);
    assert.match(html, /value="&lt;script&gt;x"/);
    assert.ok(!html.includes('<script>x'));
    assert.match(html, />&quot;quoted&quot; &amp; &lt;b&gt;<\/textarea>/);
    assert.match(html, /id="email"[^>]*aria-invalid="true"/s);
    assert.match(html, /id="phone"[^>]*aria-invalid="false"/s);  // empty phone: not given
    assert.match(html, /<span class="msg error" data-code="country.not_eligible">[^<]+<\/span>/);
    assert.match(html, /<option value="US" disabled selected>/);
    assert.match(html, /<h2 id="summary-title">[^<]+<\/h2><ul><li><a href="#email">/);
    const key = /name="idempotency_key" value="([0-9a-f]{32})"/.exec(html)[1];
    assert.notEqual(key, 'nojs-invalid');  // a fresh key for the corrected submission
  });

  test('no JavaScript: the summary joins label and message as each locale\'s catalog says', async () => {
    const unescaped = (html) => html.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const locales = readdirSync(path.join(webDir, 'i18n')).map((file) => file.slice(0, -'.json'.length));
    assert.equal(locales.length, 26);
    const values = {email: 'anna@example', country: 'AT', justification: 'zu kurz'};
    const lines = {};
    for (const locale of locales) {
      const catalog = JSON.parse(readFileSync(path.join(webDir, 'i18n', `${locale}.json`), 'utf8'));
      const html = await (await postForm(server, form({locale, ...values}))).text();
      const result = await (await fetch(`${server.url}api/validate?locale=${locale}`, {
        method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(values),
      })).json();
      const shown = [...html.matchAll(/<li><a href="#(\w+)">([^<]*)<\/a><\/li>/g)]
          .map(([, field, text]) => [field, unescaped(text)]);
      assert.deepEqual(shown, ['email', 'justification'].map((field) =>
        [field, summaryLine(catalog, field, result.fields[field].errors[0].message)]), locale);
      // A question as the label would read "…?: " (Spanish "¿…?: ", Greek "…;: ").
      for (const [, text] of shown) assert.doesNotMatch(text, /[?;\u037E]\s*:/u, `${locale}: ${text}`);
      lines[locale] = shown[1][1];
    }
    assert.ok(lines.en.startsWith('How it affects you: Please write at least 20 characters'), lines.en);
    assert.ok(lines.fr.startsWith('Conséquences pour vous\u202F: '), lines.fr);  // narrow no-break space
    assert.ok(lines.de.startsWith('Auswirkungen auf Sie: '), lines.de);
  });

  test('no JavaScript: repeated fields are the validator\'s duplicate_field', async () => {
    const res = await postForm(server, 'email=a%40example.de&email=b%40example.de&country=AT&justification=' +
                                       encodeURIComponent(justification));
    assert.equal(res.status, 422);
    assert.match(await res.text(), /<h2 id="summary-title">.*<li>[^<]+<\/li><\/ul>/s);
  });

  test('no JavaScript: a multipart or JSON body is a 415 page', async () => {
    const res = await postForm(server, '{}', {'content-type': 'application/json'});
    assert.equal(res.status, 415);
    assert.match(res.headers.get('content-type'), /^text\/html/);
  });

  test('the received page only exists for real receipts', async () => {
    for (const receipt of ['0000-0000-0000-0000', '<script>', '']) {
      const res = await fetch(server.url + `received?receipt=${encodeURIComponent(receipt)}`);
      assert.equal(res.status, 404, receipt);
      assert.ok(!(await res.text()).includes('<script>'));
    }
  });

  test('the templates themselves are not served raw', async () => {
    for (const name of ['index.html', 'received.html']) {
      assert.equal((await fetch(server.url + name)).status, 404, name);
    }
  });
});

describe('page (fixture template)', () => {
  test('every placeholder of the contract renders', async () => {
    const web = tempDir();
    cpSync(path.join(webDir, 'i18n'), path.join(web, 'i18n'), {recursive: true});
    copyFileSync(path.join(fixturesDir, 'index.html'), path.join(web, 'index.html'));
    copyFileSync(path.join(fixturesDir, 'received.html'), path.join(web, 'received.html'));
    const server = await startServer({web});
    try {
      const html = await (await fetch(server.url + '?lang=fr')).text();
      assert.doesNotMatch(html, /\{\{/);
      assert.match(html, /<div id="summary" hidden><\/div>/);
      assert.match(html, /<option value="fr" selected>/);
      const invalid = await (await postForm(server, form({email: 'x', locale: 'fr'}))).text();
      assert.match(invalid, /<div id="summary" ><h2 id="summary-title">/);
    } finally {
      await server.stop();
    }
  });

  test('an unknown placeholder, an unknown key or a missing template stops start-up', async () => {
    for (const [fixture, message] of [['unknown-placeholder.html', /index\.html: line 3: \{\{reciept\}\}: unknown placeholder/],
                                      ['unknown-key.html', /no such key in i18n\/en\.json/],
                                      [null, /cannot read .*received\.html/]]) {
      const web = tempDir();
      mkdirSync(path.join(web, 'i18n'));
      copyFileSync(path.join(webDir, 'i18n/en.json'), path.join(web, 'i18n/en.json'));
      copyFileSync(path.join(fixturesDir, fixture ?? 'index.html'), path.join(web, 'index.html'));
      if (fixture) copyFileSync(path.join(fixturesDir, 'received.html'), path.join(web, 'received.html'));
      const {code, stderr} = await startFailure(['--listen', '127.0.0.1:0', '--web', web, '--dist', distDir,
                                                 '--db', path.join(web, 'db')]);
      assert.equal(code, 1, stderr);
      assert.match(stderr, message);
    }
  });

  test('a catalog that is not a flat object of strings stops start-up', async () => {
    const web = tempDir();
    cpSync(webDir, web, {recursive: true});
    writeFileSync(path.join(web, 'i18n/de.json'), '{"page.title": 1}');
    const {code, stderr} = await startFailure(['--listen', '127.0.0.1:0', '--web', web, '--dist', distDir,
                                               '--db', path.join(web, 'db')]);
    assert.equal(code, 1);
    assert.match(stderr, /de\.json: "page\.title" is not a string/);
  });
});
