// The only place the viewer creates DOM. Everything shown here comes from telemetry
// (span names, attribute values, log bodies) and is attacker-controlled, so this module
// never parses HTML: children become Text nodes, attributes go through setAttribute with
// a fixed allow-list of "dangerous" ones refused outright.

const FORBIDDEN_ATTR = /^on|^style$|^srcdoc$/i;

/**
 * h('a', { href: '/x', class: 'link', dataset: { spanId: 'ab' }, onclick: fn }, 'text', childNode)
 * - strings/numbers become text nodes (never markup)
 * - null/undefined/false children are skipped; arrays are flattened
 * - `on*` keys with function values become listeners; string `on*`/`style` attrs are refused
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (typeof value === 'function' && key.startsWith('on')) {
        el.addEventListener(key.slice(2).toLowerCase(), value);
      } else if (key === 'dataset') {
        for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) el.dataset[k] = String(v);
      } else if (key === 'class') {
        el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value);
      } else if (key === 'testid') {
        el.setAttribute('data-testid', String(value));
      } else if (key === 'href') {
        el.setAttribute('href', safeHref(String(value)));
      } else if (key === 'value' && 'value' in el) {
        el.value = String(value);
      } else if (key === 'checked' || key === 'selected' || key === 'disabled' || key === 'hidden') {
        el[key] = Boolean(value);
      } else if (FORBIDDEN_ATTR.test(key)) {
        throw new Error(`dom.h: refusing attribute ${key}`);
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * svg('rect', { x: 1, class: 'node', testid: 'n', onclick: fn }, ...children): an SVG element, with
 * the same rules as h(): text children become Text nodes, `on*` strings and `style` are refused.
 */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function' && key.startsWith('on')) el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'dataset') for (const [k, v] of Object.entries(value)) el.dataset[k] = String(v);
    else if (key === 'testid') el.setAttribute('data-testid', String(value));
    else if (key === 'class') el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value));
    else if (FORBIDDEN_ATTR.test(key) || /href$/i.test(key)) throw new Error(`dom.svg: refusing attribute ${key}`);
    else el.setAttribute(key, String(value));
  }
  return append(el, children);
}

/** Append children as nodes; strings become Text nodes. */
export function append(parent, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
  return parent;
}

/** Replace all children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Only same-origin paths and http(s) URLs may become links; `javascript:` etc. become inert. */
export function safeHref(href) {
  if (href.startsWith('/') && !href.startsWith('//')) return href;
  try {
    const u = new URL(href, location.origin);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.href;
  } catch {
    /* fall through */
  }
  return '#';
}

/**
 * Text with case-insensitive matches of `needle` wrapped in <mark>, built from Text nodes
 * so a needle or haystack containing markup stays text.
 */
export function highlight(text, needle) {
  const s = String(text);
  if (!needle) return document.createTextNode(s);
  const frag = document.createDocumentFragment();
  const lower = s.toLowerCase();
  const n = needle.toLowerCase();
  let at = 0;
  for (let i = lower.indexOf(n); i !== -1; i = lower.indexOf(n, at)) {
    if (i > at) frag.appendChild(document.createTextNode(s.slice(at, i)));
    frag.appendChild(h('mark', null, s.slice(i, i + n.length)));
    at = i + n.length;
  }
  if (at < s.length) frag.appendChild(document.createTextNode(s.slice(at)));
  return frag;
}

/** Key/value table for attributes and resources. Values that are not strings are shown as JSON. */
export function kvTable(obj, testid) {
  const entries = Object.entries(obj || {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return h('p', { class: 'muted small' }, 'none');
  return h(
    'table',
    { class: 'kv', testid },
    h(
      'tbody',
      null,
      entries.map(([k, v]) => h('tr', null, h('th', { scope: 'row' }, k), h('td', null, valueText(v)))),
    ),
  );
}

export function valueText(v) {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** Trailing-edge debounce with a max wait, so a steady stream of events still refreshes. */
export function debounce(fn, wait, maxWait = wait * 6) {
  let timer = null;
  let first = 0;
  const run = () => {
    timer = null;
    first = 0;
    fn();
  };
  const wrapped = () => {
    const now = performance.now();
    if (!first) first = now;
    clearTimeout(timer);
    timer = setTimeout(run, Math.max(0, Math.min(wait, first + maxWait - now)));
  };
  wrapped.cancel = () => {
    clearTimeout(timer);
    timer = null;
    first = 0;
  };
  return wrapped;
}
