import { describe, expect, it } from 'vitest';
import { REDACTED, isSecretName, redactHeaders, redactSecrets, redactText } from '../../src/assembly/redact.js';

// Key shapes as the providers document them (lengths and prefixes), filled with made-up characters.
const GOOGLE_KEY = `AIza${'Sy0123456789abcdefghijklmnopqrstu'.padEnd(35, 'x')}`;
const OPENAI_KEY = 'sk-proj-Abcdefghijklmnop0123456789';
const GROQ_KEY = 'gsk_Abcdefghijklmnop0123456789';

describe('redaction rules', () => {
  // [header name, value, what is written]
  const headers: Array<[string, string, string]> = [
    ['authorization', 'Bearer abc.def.ghi', REDACTED],
    ['Proxy-Authorization', 'Basic dXNlcjpwYXNz', REDACTED],
    ['cookie', 'session=abc', REDACTED],
    ['set-cookie', 'session=abc; HttpOnly', REDACTED],
    ['x-goog-api-key', 'anything', REDACTED],
    ['x-api-key', 'anything', REDACTED],
    ['api-key', 'anything', REDACTED],
    ['x-vendor-key', 'anything', REDACTED],
    ['X-Session-Token', 'anything', REDACTED],
    ['x-amz-security-token', 'anything', REDACTED],
    ['Ocp-Apim-Subscription-Key', 'anything', REDACTED],
    ['openai-organization', 'org-1', REDACTED],
    ['location', 'https://generativelanguage.googleapis.com/v1beta/models?key=abc123&alt=sse', `https://generativelanguage.googleapis.com/v1beta/models?key=${REDACTED}&alt=sse`],
    ['location', '/next?page=2&access_token=abc', `/next?page=2&access_token=${REDACTED}`],
    ['x-debug', `used ${GOOGLE_KEY} here`, `used ${REDACTED} here`],
    ['x-echo', `key ${OPENAI_KEY}`, `key ${REDACTED}`],
    // Not credentials: kept as they are.
    ['x-request-id', 'req_1', 'req_1'],
    ['content-type', 'text/event-stream', 'text/event-stream'],
    ['x-ratelimit-remaining-tokens', '9000', '9000'],
    ['idempotency-key', 'k-1', 'k-1'],
  ];
  it.each(headers)('header %s: %s', (name, value, written) => {
    expect(redactHeaders({ [name]: value })).toEqual({ [name.toLowerCase()]: written });
  });

  // [request body, what is written]
  const bodies: Array<[unknown, unknown]> = [
    [{ key: 'k1' }, { key: REDACTED }],
    [{ api_key: 'k1', apiKey: 'k2', 'api-key': 'k3', openai_api_key: 'k4' }, { api_key: REDACTED, apiKey: REDACTED, 'api-key': REDACTED, openai_api_key: REDACTED }],
    [{ private_key: '-----BEGIN PRIVATE KEY-----' }, { private_key: REDACTED }],
    [{ credentials: { client_email: 'a@b.c', private_key: 'p' } }, { credentials: REDACTED }],
    [{ password: 'p', PASSWORD: 'q', db_password: 'r' }, { password: REDACTED, PASSWORD: REDACTED, db_password: REDACTED }],
    [{ a: [{ b: { c: { token: 't', client_secret: 's' } } }] }, { a: [{ b: { c: { token: REDACTED, client_secret: REDACTED } } }] }],
    [{ messages: [{ role: 'user', content: `my keys: ${GOOGLE_KEY}, ${OPENAI_KEY}, ${GROQ_KEY}` }] }, { messages: [{ role: 'user', content: `my keys: ${REDACTED}, ${REDACTED}, ${REDACTED}` }] }],
    [{ url: 'https://x.example/cb?sig=abc&v=1' }, { url: `https://x.example/cb?sig=${REDACTED}&v=1` }],
    // Token counts, caches and nulls stay.
    [{ max_tokens: 5, max_completion_tokens: 9, prompt_cache_key: 'c1', model: 'gpt-4o', key: null }, { max_tokens: 5, max_completion_tokens: 9, prompt_cache_key: 'c1', model: 'gpt-4o', key: null }],
  ];
  it.each(bodies)('body %j', (body, written) => {
    expect(redactSecrets(body)).toEqual(written);
  });

  // [URL, what is written]
  const urls: Array<[string, string]> = [
    ['https://api.example/v1?key=SECRET', `https://api.example/v1?key=${REDACTED}`],
    ['https://api.example/v1?KEY=SECRET', `https://api.example/v1?KEY=${REDACTED}`],
    ['https://api.example/v1?alt=sse&api_key=S1&apikey=S2&Api-Key=S3', `https://api.example/v1?alt=sse&api_key=${REDACTED}&apikey=${REDACTED}&Api-Key=${REDACTED}`],
    ['https://api.example/v1?token=S1&access_token=S2&auth=S3', `https://api.example/v1?token=${REDACTED}&access_token=${REDACTED}&auth=${REDACTED}`],
    ['https://blob.example/f?sig=S1&signature=S2&X-Amz-Signature=S3&X-Amz-Credential=S4', `https://blob.example/f?sig=${REDACTED}&signature=${REDACTED}&X-Amz-Signature=${REDACTED}&X-Amz-Credential=${REDACTED}`],
    ['https://api.example/v1?password=S1&client_secret=S2', `https://api.example/v1?password=${REDACTED}&client_secret=${REDACTED}`],
    ['https://api.example/v1?%6Bey=S1', `https://api.example/v1?%6Bey=${REDACTED}`],
    ['https://app.example/cb#access_token=S1&state=x', `https://app.example/cb#access_token=${REDACTED}&state=x`],
    ['https://user:S1@proxy.example:8080/v1', `https://user:${REDACTED}@proxy.example:8080/v1`],
    ['http://localhost:11434/api/chat', 'http://localhost:11434/api/chat'],
    ['https://api.example/v1?model=gpt-4o&stream=true', 'https://api.example/v1?model=gpt-4o&stream=true'],
  ];
  it.each(urls)('URL %s', (url, written) => {
    expect(redactText(url)).toBe(written);
  });

  it('redacts a URL stored anywhere in metadata the same way', () => {
    expect(redactSecrets({ endpoint: 'https://api.example/v1?key=SECRET' })).toEqual({ endpoint: `https://api.example/v1?key=${REDACTED}` });
  });

  it('takes extra names, in any case, for headers and body fields', () => {
    expect(redactHeaders({ 'X-Account': 'a', 'x-request-id': 'r' }, ['x-account'])).toEqual({ 'x-account': REDACTED, 'x-request-id': 'r' });
    expect(redactSecrets({ user: 'alice', nested: [{ User: 'bob' }], model: 'm' }, ['USER'])).toEqual({ user: REDACTED, nested: [{ User: REDACTED }], model: 'm' });
  });

  it('keeps a body\'s own __proto__ key as an own field of the copy, redacted inside, and touches no prototype', () => {
    const body = JSON.parse('{"__proto__":{"api_key":"sk-abcdefghijklmnopqrstuv","model":"m"},"n":1}');
    const copy = redactSecrets(body) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({ api_key: REDACTED, model: 'm' });
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"api_key":"[redacted]","model":"m"},"n":1}');
  });

  it('copies a body of any depth (no recursion), redacting at the bottom', () => {
    let deep: unknown = { password: 'p', keep: 1 };
    for (let i = 0; i < 50_000; i++) deep = { a: deep };
    let out = redactSecrets(deep) as Record<string, any>;
    for (let i = 0; i < 50_000; i++) out = out.a;
    expect(out).toEqual({ password: REDACTED, keep: 1 });
  });

  it('scans hostile strings in one pass: long runs that an unbounded rule would rescan from every start', () => {
    // Quadratic rules take minutes on these (past the test timeout); each is read once here.
    const dots = 'a.'.repeat(200_000);
    const semicolons = ';'.repeat(400_000);
    expect(redactText(dots)).toBe(dots);
    expect(redactText(semicolons)).toBe(semicolons);
    expect(redactText(`${'a.'.repeat(100_000)}https://u:S1@h/?key=S2`)).toBe(`${'a.'.repeat(100_000)}https://u:${REDACTED}@h/?key=${REDACTED}`);
  });

  it('names the same rule for every kind of name', () => {
    for (const name of ['key', 'api_key', 'apikey', 'token', 'access_token', 'auth', 'sig', 'signature', 'password', 'x-goog-api-key', 'x-foo-key', 'x-foo-token', 'private_key', 'credentials']) {
      expect(isSecretName(name), name).toBe(true);
      expect(isSecretName(name.toUpperCase()), name.toUpperCase()).toBe(true);
    }
    for (const name of ['model', 'max_tokens', 'usage', 'keys', 'monkey', 'tokenizer', 'x-request-id']) expect(isSecretName(name), name).toBe(false);
  });
});
