// Writes the differential corpus (corpus.mjs) as data for tests in other languages (the
// Python package's, python/tests/test_differential.py): one entry a line, its first byte
// 's' when the line is the UTF-8 (generalized: lone surrogates too) of a string, so a
// binding's string path is exercised, 'b' when it is bytes only; then the line's bytes.
//   node tests/differential/write-corpus.mjs FILE [COUNT]
import {writeFileSync} from 'node:fs';

import {makeCorpus} from './corpus.mjs';

const [file, count = '12000'] = process.argv.slice(2);
const entries = makeCorpus(Number(count));
writeFileSync(file, Buffer.concat(entries.flatMap((e) =>
  [Buffer.from(e.text === undefined ? 'b' : 's'), e.bytes, Buffer.from('\n')])));
