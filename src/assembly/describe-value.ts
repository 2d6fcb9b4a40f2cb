/** How a value looks, for error messages that name what came instead of what was expected. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
    case 'number':
    case 'boolean':
      return `a ${typeof value} (${String(value)})`;
    case 'object': {
      const tag = Object.prototype.toString.call(value).slice(8, -1);
      return tag === 'Object' ? 'an object' : `an object (${tag})`;
    }
    default:
      return typeof value;
  }
}
