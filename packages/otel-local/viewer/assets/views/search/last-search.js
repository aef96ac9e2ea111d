// Where "← Traces" on a trace page goes: the last search, filters included.

let lastSearch = '/';

export function lastSearchHref() {
  return lastSearch;
}

export function rememberSearch(href) {
  lastSearch = href;
}
