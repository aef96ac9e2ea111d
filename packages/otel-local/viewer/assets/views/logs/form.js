// The logs page's filter form: level, text, user and trace id (a span filter comes only from links).

import { h, replace } from '../../dom.js';
import { field, formActions } from '../form-parts.js';
import { LEVEL_NAMES, TRACE_ID_RE } from '../../format.js';
import { filtersToUrl } from './filters.js';

/** The form element and its controls; `onReset()` runs on "Reset". */
export function buildForm(onReset) {
  const c = {
    levelSel: h('select', { id: 'l-level', testid: 'logs-level' }, h('option', { value: '' }, 'All levels'), LEVEL_NAMES.map((l) => h('option', { value: l }, `${l} and above`))),
    qInput: h('input', { id: 'l-q', type: 'search', testid: 'logs-q', placeholder: 'text in message or attributes', autocomplete: 'off', spellcheck: 'false' }),
    userInput: h('input', { id: 'l-user', testid: 'logs-user', placeholder: 'user id', autocomplete: 'off', spellcheck: 'false' }),
    traceInput: h('input', { id: 'l-trace', testid: 'logs-trace', placeholder: '32-hex trace id', autocomplete: 'off', spellcheck: 'false', class: 'mono' }),
    spanNote: h('span', { class: 'span-filter muted' }),
    formError: h('p', { class: 'form-error', role: 'alert', hidden: true }),
  };
  c.form = h(
    'form',
    { class: 'filters', testid: 'logs-form', autocomplete: 'off' },
    field('l-level', 'Level', c.levelSel),
    field('l-q', 'Text', c.qInput, 'wide'),
    field('l-user', 'User id', c.userInput),
    field('l-trace', 'Trace id', c.traceInput, 'wide'),
    formActions('logs', 'Filter', onReset),
    c.spanNote,
    c.formError,
  );
  return c;
}

export function fillForm(c, filters) {
  c.levelSel.value = LEVEL_NAMES.includes(filters.level) ? filters.level : '';
  c.qInput.value = filters.q;
  c.userInput.value = filters.userId;
  c.traceInput.value = filters.traceId;
  replace(
    c.spanNote,
    filters.spanId
      ? ['only span ', h('code', null, filters.spanId), ' ', h('a', { href: filtersToUrl({ ...filters, spanId: '' }) }, 'show whole trace')]
      : null,
  );
}

/** The URL the form asks for, or null (with the reason shown) when the trace id is malformed. */
export function formUrl(c, filters) {
  const trace = c.traceInput.value.trim().toLowerCase();
  const bad = trace && !TRACE_ID_RE.test(trace);
  c.formError.hidden = !bad;
  c.formError.textContent = bad ? 'Trace id must be 32 hex characters.' : '';
  if (bad) return null;
  return filtersToUrl({
    level: c.levelSel.value,
    q: c.qInput.value.trim(),
    userId: c.userInput.value.trim(),
    traceId: trace,
    spanId: trace === filters.traceId ? filters.spanId : '',
  });
}
