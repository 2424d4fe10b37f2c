// Every key of every catalog is used somewhere, so no string is translated 26 times for
// nothing: a message code (src/data/messages/) is emitted by the core (one, by veto-server), a page string
// (web/i18n/) is read by the page templates, the page script or the server (its pages
// and its emails). The other
// catalog tests (tests/unit/messages_test.cpp, page-strings.test.mjs) make every catalog
// have exactly en.json's keys, so en.json's keys are the ones to look for.
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';

import {projectRoot} from './paths.mjs';

const read = (file) => readFileSync(path.join(projectRoot, file), 'utf8');
const filesIn = (dir, pattern) =>
    readdirSync(path.join(projectRoot, dir)).filter((f) => pattern.test(f)).map((f) => `${dir}/${f}`);
const keysOf = (file) => Object.keys(JSON.parse(read(file)));

test('every message code is emitted by the core or veto-server', () => {
  // veto-server's mail-domain check reports email.domain_no_mail (server/src/mail_domain.cpp).
  const core = [...filesIn('src/core', /\.(cpp|h)$/), ...filesIn('server/src', /\.(cpp|h)$/)]
      .map(read).join('\n');
  const codes = keysOf('src/data/messages/en.json');
  assert.ok(codes.length > 30);
  assert.deepEqual(codes.filter((code) => !core.includes(`"${code}"`)), []);
});

test('every page string is used by the templates, the page script or the server', () => {
  const sources = ['web/index.html', 'web/received.html', 'web/code.html', 'web/app.js',
    'server/src/pages.cpp', 'server/src/mail_message.cpp', 'server/src/app.cpp']
      .map((file) => [file, read(file)]);
  const fields = JSON.parse(read('src/data/ruleset.json')).fields.map((field) => field.name);
  const literally = (key) => sources.some(([file, text]) => (file.endsWith('.html')
      ? text.includes(`{{t:${key}}}`) || text.includes(`data-i18n="${key}"`)
      : text.includes(`'${key}'`) || text.includes(`"${key}"`)));
  // FIELD.suffix keys are made from a field's name: `${name}.suffix` in app.js and
  // field.name + ".suffix" in pages.cpp.
  const perField = (key) => {
    const [field, suffix] = [key.slice(0, key.indexOf('.')), key.slice(key.indexOf('.'))];
    return fields.includes(field) &&
        sources.some(([, text]) => text.includes(`}${suffix}\``) || text.includes(`+ "${suffix}"`));
  };
  const keys = keysOf('web/i18n/en.json');
  assert.ok(keys.length > 30);
  assert.deepEqual(keys.filter((key) => !literally(key) && !perField(key)), []);
});
