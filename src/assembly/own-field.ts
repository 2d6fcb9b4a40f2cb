/**
 * `target[key] = value` as an own, enumerable data property, also for a key named `__proto__`.
 * JSON.parse makes such a key an own field; a plain assignment would set the object's prototype
 * instead, losing the field and showing the value's fields as inherited ones.
 */
export function setOwnField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
  else target[key] = value;
}

/**
 * Merge rule 12 (`""` versus `null`), for every provider: `null` is "not sent"; an empty string
 * is a value, but it never replaces a value already known (a content-filter chunk's `id: ""`, a
 * last Ollama line's `role: ""`). Whether a field that only ever had `""` ends up `""` or `null`
 * in the final object is what the provider's non-streamed API writes for it (README, Merge rules).
 */
export function replacesHeld(held: unknown, value: unknown): boolean {
  return value !== '' || held === undefined || held === null || held === '';
}

/**
 * Copies the fields of `source` that are not `known` into `kept` (created on first use) and
 * returns it: the last non-null value of each wins (by {@link replacesHeld}), in the order the
 * fields first came.
 */
export function keepUnknownFields(kept: Record<string, unknown> | undefined, source: Record<string, unknown>, known: ReadonlySet<string>): Record<string, unknown> | undefined {
  for (const key in source) {
    if (known.has(key)) continue;
    const value = source[key];
    if (value === undefined || value === null) continue;
    if (kept === undefined) kept = {};
    else if (value === '' && Object.hasOwn(kept, key) && !replacesHeld(kept[key], value)) continue;
    setOwnField(kept, key, value);
  }
  return kept;
}
