// The repository stands on its own: no tracked file points outside it, every relative
// Markdown link and anchor leads somewhere, every citation of docs/contract.md names a
// section (and rule) it has, and the contract's table of codes is src/core/codes.h's list.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';

import {projectRoot} from './paths.mjs';

const tracked = execFileSync('git', ['ls-files', '-z'], {cwd: projectRoot, encoding: 'utf8'})
    .split('\0').filter((f) => f !== '' && existsSync(path.join(projectRoot, f)));
const read = (file) => readFileSync(path.join(projectRoot, file), 'utf8');
const isText = (file) => !read(file).includes('\0');
const textFiles = tracked.filter((f) => statSync(path.join(projectRoot, f)).isFile() && isText(f));

// The contract that lived outside the repository (by its name, also as a bare word, which
// its "section N" references used) and the folder it lived in; written in pieces so that
// this file does not name them itself.
const outside = [new RegExp('\\b' + 'SP' + 'EC' + '\\b'), new RegExp('\\.\\./' + 'shared')];

test('no tracked file refers to a contract or folder outside the repository', () => {
  const hits = [];
  for (const file of textFiles) {
    read(file).split('\n').forEach((line, i) => {
      if (outside.some((pattern) => pattern.test(line))) hits.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(hits, []);
});

// GitHub's anchor for a heading: lower case, punctuation but '-' and '_' dropped, spaces
// as '-', and a repeated anchor numbered -1, -2, ...
function anchors(markdown) {
  const seen = new Map();
  const out = new Set();
  for (const line of withoutCode(markdown).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1].replace(/`/g, '').toLowerCase().replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
        .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

// Markdown without fenced code blocks and code spans, where brackets are not links.
function withoutCode(markdown) {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

function links(markdown) {
  const text = withoutCode(markdown);
  const out = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1]);
  for (const m of text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)) out.push(m[1]);
  return out;
}

test('every relative Markdown link leads to a tracked file, and every anchor to a heading', () => {
  const files = new Set(tracked);
  const dirs = new Set(tracked.flatMap((f) => f.split('/').slice(0, -1).map((_, i, parts) =>
    parts.slice(0, i + 1).join('/'))));
  const broken = [];
  let checked = 0;
  for (const file of tracked.filter((f) => f.endsWith('.md'))) {
    for (const link of links(read(file))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;  // http:, https:, mailto:
      checked++;
      const [target, anchor] = link.split('#');
      const resolved = target === '' ? file :
          path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(target)))
              .replace(/\/$/, '');
      if (!files.has(resolved) && !dirs.has(resolved)) {
        broken.push(`${file}: ${link} (no ${resolved} in the repository)`);
      } else if (anchor !== undefined && resolved.endsWith('.md') &&
                 !anchors(read(resolved)).has(decodeURIComponent(anchor))) {
        broken.push(`${file}: ${link} (no heading #${anchor} in ${resolved})`);
      }
    }
  }
  assert.ok(checked > 10, `only ${checked} relative links found: is the link pattern right?`);
  assert.deepEqual(broken, []);
});

// The contract's sections ("2.1" -> its text, up to the next heading) and, per section, the
// numbers of its numbered list items ("rules").
const contract = read('docs/contract.md');
const sections = new Map();
{
  let current;
  for (const line of contract.split('\n')) {
    const m = /^#{2,4} (\d+(?:\.\d+)*)\.? /.exec(line);
    if (m) sections.set(current = m[1], []);
    else if (current) sections.get(current).push(line);
  }
}
const rulesOf = (section) => new Set((sections.get(section) ?? [])
    .map((line) => /^(\d+)\. /.exec(line)?.[1]).filter(Boolean));

test('every citation of docs/contract.md names a section and rule it has', () => {
  const bad = [];
  let citations = 0;
  const check = (file, section, rules) => {
    citations++;
    if (!sections.has(section)) return bad.push(`${file}: §${section} (no such section)`);
    for (const rule of rules ?? []) {
      if (!rulesOf(section).has(rule)) bad.push(`${file}: §${section} rule ${rule} (no such rule)`);
    }
  };
  const rulesIn = (text) => text?.match(/\d+/g);
  const cite = /§(\d+(?:\.\d+)*)(?: (?:rules? (\d+(?:(?:,| and| to) \d+)*)))?/g;
  for (const file of textFiles) {
    const text = read(file);
    if (file === 'docs/contract.md') {
      for (const m of text.matchAll(cite)) check(file, m[1], rulesIn(m[2]));
    } else {
      for (const m of text.matchAll(/contract\.md(?:\)|`)? ?((?:§[^\s,;)`]+(?:,? (?:and )?)?)+(?:rules? \d+(?:(?:,| and| to) \d+)*)?)/g)) {
        for (const c of m[1].matchAll(cite)) check(file, c[1], rulesIn(c[2]));
      }
    }
  }
  assert.ok(citations > 40, `only ${citations} citations found: is the pattern right?`);
  assert.deepEqual(bad, []);
});

test('the contract lists exactly the codes and parameters of src/core/codes.h', () => {
  // web/veto.d.mts's CodeParams is generated from codes.h (ctest veto_d_mts.current keeps
  // it current), and is easier to read here than the C++ X-macro.
  const generated = read('web/veto.d.mts');
  const body = /export interface CodeParams \{\n([\s\S]*?)\n\}/.exec(generated)[1];
  const fromList = body.split('\n').map((l) => {
    const [, code, params] = /^\s*'([^']+)': \{(.*)\};$/.exec(l);
    return [code, ...[...params.matchAll(/(\w+)\??:/g)].map((m) => m[1])].join(' ');
  }).sort();
  const table = sections.get('3').filter((l) => /^\| `/.test(l)).map((l) => {
    const [code, , params] = l.split('|').slice(1).map((c) => c.trim());
    return [code.replace(/`/g, ''), ...(params.match(/`[^`]+`/g) ?? []).map((p) => p.replace(/`/g, ''))]
        .join(' ');
  }).sort();
  assert.ok(table.length > 30);
  assert.deepEqual(table, fromList);
});
