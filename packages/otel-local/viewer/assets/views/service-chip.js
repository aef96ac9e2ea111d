// The coloured service-name chip used on every page.

import { h } from '../dom.js';
import { serviceHue } from '../format.js';

export function svcChip(name) {
  const el = h('span', { class: 'svc-chip', title: name }, name);
  el.style.setProperty('--hue', String(serviceHue(name)));
  return el;
}
