// The search page's actions on its result: compare the two picked traces, export every trace of
// the search as OTLP JSON, and import an OTLP JSON file (the imported trace then opens).

import { h, replace } from '../../dom.js';
import { api, searchExportHref } from '../../api.js';
import { plural } from '../../format.js';

/** `onImported(result)` runs after a successful import. */
export function buildToolbar({ onCompare, onImported }) {
  const compareBtn = h('button', { type: 'button', testid: 'compare-button', disabled: true, onclick: onCompare, title: 'Pick two traces with the boxes on the left' }, 'Compare');
  const exportLink = h('a', { class: 'button', testid: 'search-export', download: true, title: 'Every trace of this search, with its log lines, as OTLP JSON' }, 'Export');
  // The input stays out of the tab order; its label is the button (Enter or Space opens the picker).
  const importInput = h('input', { type: 'file', id: 'import-file', class: 'sr-only', testid: 'import-file', accept: '.json,application/json', tabindex: '-1' });
  const importLabel = h('label', { class: 'button', for: 'import-file', tabindex: '0', role: 'button', title: 'Load an OTLP JSON file (a download from here or from otel-local export)' }, 'Import…');
  const message = h('span', { class: 'import-msg', testid: 'import-message', 'aria-live': 'polite' });
  importLabel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      importInput.click();
    }
  });
  importInput.addEventListener('change', async () => {
    const file = importInput.files?.[0];
    importInput.value = '';
    if (!file) return;
    replace(message, `Importing ${file.name}…`);
    message.classList.remove('error');
    try {
      const result = await api.importOtlp(await file.text());
      const rejected = (result.rejectedSpans ?? 0) + (result.rejectedLogs ?? 0);
      replace(message, `Imported ${plural(result.spans ?? 0, 'span')} and ${plural(result.logs ?? 0, 'log line')} in ${plural(result.traceIds?.length ?? 0, 'trace')}${rejected ? `; ${rejected} rejected` : ''}.`);
      onImported(result);
    } catch (err) {
      message.classList.add('error');
      replace(message, `Could not import ${file.name}: ${err.message}`);
    }
  });
  const el = h('div', { class: 'result-actions' }, message, compareBtn, exportLink, importLabel, importInput);
  return { el, compareBtn, exportLink, message };
}

/** Keeps the buttons in step with the picked traces and the search's API parameters. */
export function updateToolbar(bar, picked, apiParams, count) {
  bar.compareBtn.disabled = picked.length !== 2;
  bar.compareBtn.textContent = picked.length ? `Compare (${picked.length}/2)` : 'Compare';
  bar.exportLink.setAttribute('href', searchExportHref(apiParams));
  bar.exportLink.hidden = count === 0;
}
