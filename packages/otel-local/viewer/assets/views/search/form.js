// The search page's filter form: its controls, filling them from filters and reading them back,
// and the service / operation suggestions from the API.

import { h, replace } from '../../dom.js';
import { field, formActions } from '../form-parts.js';
import { api } from '../../api.js';
import { LOOKBACKS, LIMITS, filterProblems, toLocalInput } from './filters.js';

function buildControls() {
  const c = {
    serviceSel: h('select', { id: 'f-service', testid: 'filter-service' }, h('option', { value: '' }, 'All services')),
    opList: h('datalist', { id: 'f-operation-list' }),
    opInput: h('input', { id: 'f-operation', testid: 'filter-operation', list: 'f-operation-list', placeholder: 'Any operation', autocomplete: 'off' }),
    userInput: h('input', { id: 'f-user', testid: 'filter-user', placeholder: 'user id', autocomplete: 'off', spellcheck: 'false' }),
    minInput: h('input', { id: 'f-min', testid: 'filter-min-duration', placeholder: 'e.g. 100ms', autocomplete: 'off', size: '8' }),
    maxInput: h('input', { id: 'f-max', testid: 'filter-max-duration', placeholder: 'e.g. 2s', autocomplete: 'off', size: '8' }),
    lookbackSel: h('select', { id: 'f-lookback', testid: 'filter-lookback' }, LOOKBACKS.map(([v, label]) => h('option', { value: v }, label))),
    startInput: h('input', { id: 'f-start', type: 'datetime-local', testid: 'filter-start' }),
    endInput: h('input', { id: 'f-end', type: 'datetime-local', testid: 'filter-end' }),
    attrInput: h('input', { id: 'f-attr', testid: 'filter-attr', placeholder: 'http.route=/api/cart', autocomplete: 'off', spellcheck: 'false' }),
    errorsBox: h('input', { id: 'f-errors', type: 'checkbox', testid: 'filter-errors' }),
    staticBox: h('input', { id: 'f-static', type: 'checkbox', testid: 'filter-hide-static', checked: true }),
    limitSel: h('select', { id: 'f-limit', testid: 'filter-limit' }, LIMITS.map((v) => h('option', { value: v }, v))),
    formError: h('p', { class: 'form-error', role: 'alert', hidden: true }),
  };
  c.customRange = h('div', { class: 'field range' }, h('label', { for: 'f-start' }, 'From'), c.startInput, h('label', { for: 'f-end' }, 'to'), c.endInput);
  return c;
}

/** The form element and its controls; `onReset()` runs on "Reset". */
export function buildForm(onReset) {
  const c = buildControls();
  c.form = h(
    'form',
    { class: 'filters', testid: 'search-form', autocomplete: 'off' },
    field('f-service', 'Service', c.serviceSel),
    field('f-operation', 'Operation', c.opInput, 'wide'),
    c.opList,
    field('f-user', 'User id', c.userInput),
    field('f-min', 'Min duration', c.minInput, 'narrow'),
    field('f-max', 'Max duration', c.maxInput, 'narrow'),
    field('f-lookback', 'Time', c.lookbackSel),
    c.customRange,
    field('f-attr', 'Attribute', c.attrInput, 'wide'),
    h(
      'div',
      { class: 'field checks' },
      h('div', { class: 'check' }, c.errorsBox, h('label', { for: 'f-errors' }, 'Errors only')),
      h('div', { class: 'check', title: 'Hide requests for scripts, styles, images, fonts and the favicon' }, c.staticBox, h('label', { for: 'f-static' }, 'Hide static assets')),
    ),
    field('f-limit', 'Limit', c.limitSel, 'narrow'),
    formActions('search', 'Search', onReset),
    c.formError,
  );
  return c;
}

/** Shows `filters` in the form controls (and the top-bar box). */
export function fillForm(c, filters, quickSearch) {
  c.serviceSel.value = filters.service;
  if (filters.service && c.serviceSel.value !== filters.service) {
    // A service from the URL that the services list does not know (yet) still has to show.
    c.serviceSel.append(h('option', { value: filters.service }, filters.service));
    c.serviceSel.value = filters.service;
  }
  c.opInput.value = filters.operation;
  c.userInput.value = filters.userId;
  c.minInput.value = filters.minDuration;
  c.maxInput.value = filters.maxDuration;
  c.lookbackSel.value = LOOKBACKS.some(([v]) => v === filters.lookback) ? filters.lookback : '';
  c.startInput.value = toLocalInput(filters.startMs);
  c.endInput.value = toLocalInput(filters.endMs);
  c.customRange.hidden = c.lookbackSel.value !== 'custom';
  c.attrInput.value = filters.attr;
  c.errorsBox.checked = filters.errorsOnly === '1';
  c.staticBox.checked = filters.showStatic !== '1';
  c.limitSel.value = LIMITS.includes(filters.limit) ? filters.limit : '50';
  quickSearch.value = filters.q;
}

/** The filters the form shows; the top-bar text `q` is kept from `filters`. */
export function readForm(c, filters) {
  const localMs = (v) => (v ? String(new Date(v).getTime()) : '');
  return {
    service: c.serviceSel.value,
    operation: c.opInput.value.trim(),
    userId: c.userInput.value.trim(),
    minDuration: c.minInput.value.trim(),
    maxDuration: c.maxInput.value.trim(),
    lookback: c.lookbackSel.value,
    startMs: localMs(c.startInput.value),
    endMs: localMs(c.endInput.value),
    attr: c.attrInput.value.trim(),
    errorsOnly: c.errorsBox.checked ? '1' : '',
    showStatic: c.staticBox.checked ? '' : '1',
    limit: c.limitSel.value,
    q: filters.q,
  };
}

/** Shows what is wrong with `f` under the form; true when nothing is. */
export function validate(c, f) {
  const problems = filterProblems(f);
  c.formError.hidden = problems.length === 0;
  replace(c.formError, problems.join(' '));
  return problems.length === 0;
}

/** Fills the service list, keeping the current choice (even one the API does not list). */
export async function loadServices(c, isDestroyed) {
  try {
    const services = await api.services();
    if (isDestroyed()) return;
    const keep = c.serviceSel.value;
    replace(c.serviceSel, h('option', { value: '' }, 'All services'), services.map((s) => h('option', { value: s }, s)));
    if (keep && !services.includes(keep)) c.serviceSel.append(h('option', { value: keep }, keep));
    c.serviceSel.value = keep;
  } catch {
    /* the list is a convenience; search still works */
  }
}

/** Suggests the operations of `service` in the operation field. */
export async function loadOperations(c, service, isDestroyed) {
  replace(c.opList);
  if (!service) return;
  try {
    const ops = await api.operations(service);
    if (isDestroyed() || c.serviceSel.value !== service) return;
    const names = [...new Set(ops.map((o) => o.name))].sort();
    replace(c.opList, names.map((n) => h('option', { value: n })));
  } catch {
    /* ignore */
  }
}
