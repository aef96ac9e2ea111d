// Pieces shared by the filter forms of the search and logs pages.
import { h } from '../dom.js';

/** A labelled form field: `<div class="field cls"><label for=id>label</label>input</div>`. */
export function field(id, label, input, cls) {
  return h('div', { class: ['field', cls] }, h('label', { for: id }, label), input);
}

/** The submit and reset buttons of a form, with testids `<prefix>-submit` and `<prefix>-reset`. */
export function formActions(prefix, submitLabel, onReset) {
  return h(
    'div',
    { class: 'field actions' },
    h('button', { type: 'submit', class: 'primary', testid: `${prefix}-submit` }, submitLabel),
    h('button', { type: 'button', testid: `${prefix}-reset`, onclick: onReset }, 'Reset'),
  );
}
