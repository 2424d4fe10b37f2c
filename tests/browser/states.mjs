// The page states the accessibility test checks and the screenshots show.
export const STATES = {
  // As the server sends it, once the validator is in.
  async empty() {},
  // Sent with mistakes: the summary, errors beside the fields, a typo suggestion.
  async invalid(page) {
    await page.fill('#email', 'anna@gmial');
    await page.fill('#phone', '12');
    await page.fill('#justification', 'Not my data');
    await page.click('#submit');
    await page.waitForSelector('#summary:not([hidden])');
  },
  // Everything accepted, with the typo suggestion and the counter showing.
  async valid(page) {
    await page.fill('#email', 'anna.muster@gmial.com');
    await page.press('#email', 'Tab');
    await page.selectOption('#country', 'AT');
    await page.fill('#phone', '0664 1234567');
    await page.press('#phone', 'Tab');
    await page.fill('#justification',
                    'I share family photos and private posts. I do not want them used to train AI models.');
    await page.press('#justification', 'Tab');
    await page.waitForSelector('#email-messages button.fix');
  },
};
