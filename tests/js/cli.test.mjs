// The CLI `veto validate` (docs/contract.md §6.1): one result line per form line, exit codes.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';

import {cli} from './paths.mjs';

const scratch = mkdtempSync(path.join(tmpdir(), 'veto-cli-'));
after(() => rmSync(scratch, {recursive: true, force: true}));

// A form that is valid under the default ruleset, with `email` as given.
const form = (email) => JSON.stringify({email, country: 'DE', justification: 'Meta must not train its AI on my posts.'});

function run(args, input) {
  const r = spawnSync(cli, args, {input, maxBuffer: 64 << 20});
  const lines = r.stdout.toString().split('\n').filter((l) => l !== '');
  return {status: r.status, lines: lines.map((l) => JSON.parse(l)), stderr: r.stderr.toString()};
}

test('exit 0 when every form is valid, 1 when one is not', () => {
  assert.equal(run(['validate'], form('a@example.org') + '\n').status, 0);
  const r = run(['validate'], form('a@example.org') + '\n' + form('nope') + '\n');
  assert.equal(r.status, 1);
  assert.deepEqual(r.lines.map((l) => l.valid), [true, false]);
});

test('blank lines are skipped, CRLF and a last line without LF are read', () => {
  const r = run(['validate'], `\n  \t\r\n${form('a@example.org')}\r\n\r\n${form('b@example.org')}`);
  assert.equal(r.status, 0);
  assert.equal(r.lines.length, 2);
  assert.equal(r.lines[1].fields.email.value, 'b@example.org');
});

test('a bad line gets a form error and the run goes on', () => {
  const big = '{"email":"' + 'x'.repeat(1024 * 1024) + '"}';
  const input = Buffer.concat([Buffer.from(`[]\n${big}\n{"a":1,"a":2}\n`), Buffer.from([0xff, 0x0a]),
                               Buffer.from('{"email":"a@example.org"}\n')]);
  const r = run(['validate'], input);
  assert.deepEqual(r.lines.map((l) => l.form.errors[0]?.code),
                   ['form.not_object', 'form.too_large', 'form.duplicate_field', 'form.encoding', undefined]);
  assert.equal(r.status, 1);
});

test('a line of exactly 1 MiB is read; one byte more is too large', () => {
  const pad = (n) => '{"email":"' + 'x'.repeat(n - 14) + '@b"}';
  assert.equal(pad(1024 * 1024).length, 1024 * 1024);
  const r = run(['validate'], pad(1024 * 1024) + '\r\n' + pad(1024 * 1024 + 1) + '\n');
  assert.equal(r.lines[0].fields.email.errors[0].code, 'too_long');
  assert.equal(r.lines[1].form.errors[0].code, 'form.too_large');
});

test('files are read in order; a missing file is exit 2', () => {
  const dir = scratch;
  writeFileSync(path.join(dir, 'a.jsonl'), '{"email":"a@example.org"}\n');
  writeFileSync(path.join(dir, 'b.jsonl'), '{"email":"b@example.org"}\n');
  const r = run(['validate', path.join(dir, 'a.jsonl'), '-', path.join(dir, 'b.jsonl')],
                '{"email":"stdin@example.org"}\n');
  assert.deepEqual(r.lines.map((l) => l.fields.email.value),
                   ['a@example.org', 'stdin@example.org', 'b@example.org']);
  const missing = run(['validate', path.join(dir, 'none.jsonl')], '');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot open/);
});

test('rulesets: custom ones load, bad ones are exit 2 with the place named', () => {
  const dir = scratch;
  const good = path.join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({id: 'c', version: 2, fields: [{name: 'mail', kind: 'email'}]}));
  const r = run(['validate', '--ruleset', good], '{"mail":"a@example.org"}\n');
  assert.equal(r.status, 0);
  assert.deepEqual(r.lines[0].ruleset, {id: 'c', version: 2});
  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({id: 'c', version: 2, fields: [{name: 'mail', kind: 'email', x: 1}]}));
  const refused = run(['validate', '--ruleset', bad], '{}\n');
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /fields\[0\]\.x: is not an option here/);
  assert.deepEqual(refused.lines, []);
});

test('usage errors are exit 2', () => {
  assert.equal(run([], '').status, 2);
  assert.equal(run(['validate', '--bogus'], '').status, 2);
  assert.equal(run(['frobnicate'], '').status, 2);
});

test('--locale is negotiated and reported', () => {
  const r = run(['validate', '--locale', 'de-AT'], '{}\n');
  assert.equal(r.lines[0].locale, 'de');
});

test('veto ruleset prints the ruleset with its defaults', () => {
  const r = spawnSync(cli, ['ruleset']);
  const rules = JSON.parse(r.stdout.toString());
  assert.equal(rules.id, 'ai-training-objection');
  assert.equal(rules.fields[0].popular_domains[0], 'gmail.com');
});

test('veto countries prints the country list for a locale', () => {
  const r = spawnSync(cli, ['countries', '--locale', 'pl']);
  assert.equal(r.status, 0);
  const list = JSON.parse(r.stdout.toString());
  assert.equal(list.length, 249);
  assert.deepEqual(list.find((c) => c.code === 'DE'), {code: 'DE', name: 'Niemcy', eligible: true});
});

test('a lone CR is no line end, a NUL is no JSON: one result per LF line either way', () => {
  const input = Buffer.concat([Buffer.from('{"email":"a@b.de"}\r{"email":"c@d.de"}\n'),
                               Buffer.from([0x7b, 0x00, 0x7d, 0x0a]), Buffer.from('{}\n')]);
  const r = run(['validate'], input);
  assert.deepEqual(r.lines.map((l) => l.form.errors[0]?.code), ['form.json', 'form.json', undefined]);
});

test('--messages FILE replaces messages with its templates; a bad template is exit 2, named', () => {
  const good = path.join(scratch, 'messages.json');
  writeFileSync(good, JSON.stringify({'email.typo': {de: 'Vielleicht {suggestion}?'}}));
  const r = run(['validate', '--locale', 'de', `--messages=${good}`], form('anna@gmial.com') + '\n');
  assert.equal(r.status, 0);
  assert.equal(r.lines[0].fields.email.warnings[0].message, 'Vielleicht anna@gmail.com?');
  const en = run(['validate', '--messages', good], form('anna@gmial.com') + '\n');
  assert.equal(en.lines[0].fields.email.warnings[0].message, 'Did you mean anna@gmail.com?');
  const bad = path.join(scratch, 'bad-messages.json');
  writeFileSync(bad, JSON.stringify({'email.typo': {de: 'Vielleicht {vorschlag}?'}}));
  const refused = run(['validate', '--messages', bad], form('a@b.de') + '\n');
  assert.equal(refused.status, 2);
  assert.deepEqual(refused.lines, []);
  assert.match(refused.stderr, /bad-messages\.json: messages\["email\.typo"\]\["de"\]: byte 11: unknown placeholder \{vorschlag\}; email\.typo has \{suggestion\}/);
  assert.equal(run(['validate', '--messages', path.join(scratch, 'missing.json')], '').status, 2);
});
