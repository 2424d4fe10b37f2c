// Static files: MIME types, compression, ETag and 304, and what is never served.
import assert from 'node:assert/strict';
import {cpSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import zlib from 'node:zlib';

import {distDir, rawRequest, startServer, tempDir, webDir} from './server.mjs';


describe('static files', () => {
  let server;
  let web;
  before(async () => {
    // A copy of web/ with things that must not be served.
    web = tempDir();
    cpSync(webDir, web, {recursive: true});
    writeFileSync(path.join(web, '.secret.js'), 'secret');
    writeFileSync(path.join(web, 'i18n/notes.txt'), 'not a catalog');
    writeFileSync(path.join(web, 'server.conf'), 'x');
    symlinkSync('/etc/passwd', path.join(web, 'passwd.txt'));
    server = await startServer({web});
  });
  after(async () => { await server.stop(); });

  test('the page\'s files are served with their MIME types', async () => {
    const cases = [
      ['app.js', 'text/javascript; charset=utf-8', path.join(webDir, 'app.js')],
      ['style.css', 'text/css; charset=utf-8', path.join(webDir, 'style.css')],
      ['i18n/en.json', 'application/json', path.join(webDir, 'i18n/en.json')],
      ['veto.mjs', 'text/javascript; charset=utf-8', path.join(distDir, 'veto.mjs')],
      ['veto.wasm', 'application/wasm', path.join(distDir, 'veto.wasm')],
    ];
    for (const [name, type, file] of cases) {
      const res = await fetch(server.url + name, {headers: {'accept-encoding': 'identity'}});
      assert.equal(res.status, 200, name);
      assert.equal(res.headers.get('content-type'), type, name);
      assert.equal(res.headers.get('cache-control'), 'no-cache', name);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(readFileSync(file)), name);
    }
  });

  test('br and gzip when accepted, each with its own ETag, and 304 on a match', async () => {
    const original = readFileSync(path.join(distDir, 'veto.wasm'));
    const seen = new Set();
    for (const [accept, encoding, decode] of [['br', 'br', zlib.brotliDecompressSync],
                                              ['gzip', 'gzip', zlib.gunzipSync],
                                              ['gzip;q=1, br;q=0', 'gzip', zlib.gunzipSync],
                                              ['identity', null, (b) => b]]) {
      // undici decompresses by itself; ask through a raw socket to see the bytes sent.
      const {text} = await rawRequest(server.port,
          `GET /veto.wasm HTTP/1.1\r\nHost: x\r\nAccept-Encoding: ${accept}\r\nConnection: close\r\n\r\n`);
      const head = text.slice(0, text.indexOf('\r\n\r\n'));
      const body = Buffer.from(text.slice(text.indexOf('\r\n\r\n') + 4), 'latin1');
      assert.match(head, /^HTTP\/1\.1 200/);
      const got = /\r\ncontent-encoding: (\S+)/i.exec(head)?.[1] ?? null;
      assert.equal(got, encoding, accept);
      assert.match(head, /\r\nVary: Accept-Encoding/);
      assert.ok(decode(body).equals(original), accept);
      if (encoding) assert.ok(body.length < original.length * 0.5, `${accept}: ${body.length}`);
      // The build's veto.wasm.br (best quality) is what goes out, not a quicker encoding.
      if (encoding === 'br') assert.ok(body.equals(readFileSync(path.join(distDir, 'veto.wasm.br'))));
      const etag = /\r\nETag: (\S+)/.exec(head)[1];
      seen.add(etag);
      const revalidated = await rawRequest(server.port,
          `GET /veto.wasm HTTP/1.1\r\nHost: x\r\nAccept-Encoding: ${accept}\r\nIf-None-Match: ${etag}\r\nConnection: close\r\n\r\n`);
      assert.match(revalidated.text, /^HTTP\/1\.1 304/);
      assert.equal(revalidated.text.indexOf('\r\n\r\n') + 4, revalidated.text.length, 'a 304 has no body');
    }
    assert.equal(seen.size, 3);  // identity, br, gzip (the q=0 case reuses gzip's)
  });

  test('the ETag follows the content', async () => {
    const first = (await fetch(server.url + 'app.js')).headers.get('etag');
    const other = (await fetch(server.url + 'style.css')).headers.get('etag');
    assert.notEqual(first, other);
    const stale = await fetch(server.url + 'app.js', {headers: {'if-none-match': other}});
    assert.equal(stale.status, 200);
  });

  test('HEAD answers the headers only', async () => {
    const res = await fetch(server.url + 'veto.mjs', {method: 'HEAD', headers: {'accept-encoding': 'identity'}});
    assert.equal(res.status, 200);
    assert.equal(Number(res.headers.get('content-length')), readFileSync(path.join(distDir, 'veto.mjs')).length);
  });

  test('dotfiles, other types, non-JSON in i18n/, symlinks and traversal are not served', async () => {
    for (const name of ['.secret.js', 'i18n/notes.txt', 'server.conf', 'passwd.txt', 'veto.d.mts',
                        '%2e%2e/%2e%2e/etc/passwd', '..%2f..%2fetc%2fpasswd', 'i18n/../../etc/passwd',
                        'app.js%00.png', 'APP.JS']) {
      const res = await fetch(server.url + name);
      assert.equal(res.status, 404, name);
    }
    for (const target of ['/../../etc/passwd', '/i18n/../../README.md', '//etc/passwd']) {
      const {text} = await rawRequest(server.port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.match(text, /^HTTP\/1\.1 (404|400)/, target);
      assert.doesNotMatch(text, /root:/);
    }
  });

  test('static files refuse other methods with 405 and Allow', async () => {
    const res = await fetch(server.url + 'app.js', {method: 'POST', body: 'x'});
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
  });

});
