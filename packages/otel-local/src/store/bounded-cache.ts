/** A memo that never grows past `maxSize` entries: when full it is cleared (the database stays the source of truth). */
export function cachedValue<K, V>(cache: Map<K, V>, key: K, maxSize: number, load: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = load();
    if (cache.size >= maxSize) cache.clear();
    cache.set(key, value);
  }
  return value;
}
