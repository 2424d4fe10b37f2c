// The entry point every bundler builds: the package imported by its name.
import {createValidator} from 'veto-validator';
import {mountConsumer} from './form.js';

mountConsumer(async () => {
  const validator = await createValidator({locale: 'de'});
  return (text) => validator.validateJson(text);
});
