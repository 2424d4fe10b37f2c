// The page states the accessibility test checks and the screenshots show, for a page of
// engines.mjs (any engine).
import {fill, press, select} from './harness.mjs';

export const STATES = {
  // As the server sends it, once the validator is in.
  async empty() {},
  // Sent with mistakes: the summary, errors beside the fields, a typo suggestion.
  async invalid(page) {
    await fill(page, '#email', 'anna@gmial');
    await fill(page, '#phone', '12');
    await fill(page, '#justification', 'Not my data');
    await page.click('#submit');
    await page.waitFor(() => document.querySelector('#summary:not([hidden])'));
  },
  // Everything accepted, with the typo suggestion and the counter showing.
  async valid(page) {
    await fill(page, '#email', 'anna.muster@gmial.com');
    await press(page, '#email', 'Tab');
    await select(page, '#country', 'AT');
    await fill(page, '#phone', '0664 1234567');
    await press(page, '#phone', 'Tab');
    await fill(page, '#justification',
               'I share family photos and private posts. I do not want them used to train AI models.');
    await press(page, '#justification', 'Tab');
    await page.waitFor(() => document.querySelector('#email-messages button.fix'));
  },
};
