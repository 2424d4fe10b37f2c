// A Node program of a project that installed veto-validator: validates each JSON line of
// stdin and prints veto's line for it, as `veto validate --locale de` does.
import {createValidator} from 'veto-validator';
import {createInterface} from 'node:readline';

const validator = await createValidator({locale: 'de'});
for await (const line of createInterface({input: process.stdin})) {
  process.stdout.write(validator.validateJson(line) + '\n');
}
