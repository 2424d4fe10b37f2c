// A module Web Worker of the static page: veto loaded and run off the main thread.
import {createValidator} from './veto/veto.mjs';

const validator = createValidator({locale: 'de'});
self.onmessage = async ({data: {id, text}}) => {
  try {
    self.postMessage({id, output: (await validator).validateJson(text)});
  } catch (error) {
    self.postMessage({id, error: error.message});
  }
};
