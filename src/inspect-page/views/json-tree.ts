/**
 * Collapsible JSON: `<details>` elements (keyboard and screen-reader friendly as they are),
 * children built only when opened, long strings and arrays cut with a way to see the rest.
 */
const LONG_STRING = 400;
const MANY_ITEMS = 200;

export function jsonTree(value: unknown, options: { openDepth?: number; label?: string } = {}): HTMLElement {
  const root = document.createElement('div');
  root.className = 'json';
  root.append(node(options.label, value, 0, options.openDepth ?? 2));
  return root;
}

function node(key: string | undefined, value: unknown, depth: number, openDepth: number): HTMLElement {
  if (value === null || typeof value !== 'object') {
    const line = document.createElement('div');
    line.className = 'jline';
    if (key !== undefined) line.append(keySpan(key));
    line.append(scalar(value));
    return line;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  if (key !== undefined) summary.append(keySpan(key));
  const brief = document.createElement('span');
  brief.className = 'jbrief';
  brief.textContent = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  summary.append(brief);
  details.append(summary);
  let built = false;
  const build = () => {
    if (built) return;
    built = true;
    const body = document.createElement('div');
    body.className = 'jbody';
    const shown = entries.length > MANY_ITEMS ? entries.slice(0, MANY_ITEMS) : entries;
    for (const [k, v] of shown) body.append(node(k, v, depth + 1, openDepth));
    if (shown.length < entries.length) {
      const more = document.createElement('button');
      more.className = 'jmore';
      more.textContent = `show ${entries.length - shown.length} more`;
      more.addEventListener('click', () => {
        for (const [k, v] of entries.slice(MANY_ITEMS)) body.insertBefore(node(k, v, depth + 1, openDepth), more);
        more.remove();
      });
      body.append(more);
    }
    details.append(body);
  };
  details.addEventListener('toggle', () => details.open && build());
  if (depth < openDepth) {
    details.open = true;
    build();
  }
  return details;
}

function keySpan(key: string): HTMLElement {
  const span = document.createElement('span');
  span.className = 'jkey';
  span.textContent = `${key}: `;
  return span;
}

function scalar(value: unknown): HTMLElement {
  const span = document.createElement('span');
  const kind = value === null ? 'null' : typeof value;
  span.className = `j${kind}`;
  const text = JSON.stringify(value) ?? String(value);
  if (typeof value === 'string' && text.length > LONG_STRING) {
    span.textContent = `${text.slice(0, LONG_STRING)}…`;
    const more = document.createElement('button');
    more.className = 'jmore';
    more.textContent = `+${(value.length - LONG_STRING).toLocaleString()} chars`;
    more.addEventListener('click', () => {
      span.textContent = text;
      more.remove();
    });
    const wrap = document.createElement('span');
    wrap.append(span, ' ', more);
    return wrap;
  }
  span.textContent = text;
  return span;
}
