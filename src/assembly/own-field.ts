/**
 * `target[key] = value` as an own, enumerable data property, also for a key named `__proto__`.
 * JSON.parse makes such a key an own field; a plain assignment would set the object's prototype
 * instead, losing the field and showing the value's fields as inherited ones.
 */
export function setOwnField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
  else target[key] = value;
}
