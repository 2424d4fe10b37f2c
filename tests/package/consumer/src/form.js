// The page of a project that installed veto-validator: a real <form>, validated with veto.
// `load` resolves to a function from the form's JSON text to veto's result text (in the
// page, or in a Web Worker). The test calls vetoConsumer(forms): each form's values are
// typed into the fields, read back with FormData, and validated.
export function mountConsumer(load) {
  globalThis.vetoConsumer = async (forms) => {
    const validate = await load();
    const form = document.getElementById('objection');
    const results = [];
    for (const values of forms) {
      for (const [name, value] of Object.entries(values)) form.elements[name].value = value;
      const input = JSON.stringify(Object.fromEntries(new FormData(form)));
      const output = await validate(input);
      document.getElementById('result').textContent = output;
      results.push({input, output});
    }
    return results;
  };
}
