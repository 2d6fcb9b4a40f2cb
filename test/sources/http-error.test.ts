import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/errors.js';
import { fromSource } from '../../src/sources/from-source.js';
import { httpErrorFrom, parseRetryAfter, providerErrorIn } from '../../src/sources/http-error.js';

describe('providerErrorIn', () => {
  it('reads OpenAI and Groq error objects', () => {
    expect(providerErrorIn('{"error":{"message":"Invalid model","type":"invalid_request_error","param":"model","code":"model_not_found"}}')).toEqual({
      providerMessage: 'Invalid model',
      providerType: 'invalid_request_error',
      providerCode: 'model_not_found',
    });
  });

  it('reads an Ollama error string and a proxy {"message": …}', () => {
    expect(providerErrorIn('{"error":"model \\"x\\" not found"}')).toEqual({ providerMessage: 'model "x" not found' });
    expect(providerErrorIn('{"message":"Forbidden"}')).toEqual({ providerMessage: 'Forbidden' });
  });

  it('finds nothing in HTML, plain text, JSON that is not an error, or nothing at all', () => {
    expect(providerErrorIn('<html><body>Bad Gateway</body></html>')).toEqual({});
    expect(providerErrorIn('Bad Gateway')).toEqual({});
    expect(providerErrorIn('[1,2]')).toEqual({});
    expect(providerErrorIn('null')).toEqual({});
    expect(providerErrorIn('')).toEqual({});
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('20', now)).toBe(20);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1.5);
  });

  it('reads an HTTP date as the seconds until then, never negative', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('httpErrorFrom', () => {
  it('builds an HttpError from status, headers, url and body', async () => {
    const error = await httpErrorFrom(new Response('{"error":"busy"}', { status: 503, statusText: 'Service Unavailable', headers: { 'retry-after': '5' } }));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 503, retryAfter: 5, providerMessage: 'busy', headers: { 'retry-after': '5' } });
    expect(error.message).toBe('HTTP 503 Service Unavailable: busy');
  });

  it('reads at most maxBodyBytes of the body', async () => {
    const error = await httpErrorFrom(new Response('x'.repeat(100), { status: 500 }), { maxBodyBytes: 10 });
    expect(error.body).toBe('x'.repeat(10));
  });

  it('an empty body still gives the status', async () => {
    expect((await httpErrorFrom(new Response(null, { status: 404, statusText: 'Not Found' }))).message).toBe('HTTP 404 Not Found');
  });
});

describe('the URL an HttpError names', () => {
  // fetch() sets `url` on the responses it returns; a constructed Response has none, so it is set here.
  const withUrl = (response: Response, url: string) => Object.defineProperty(response, 'url', { value: url });
  const url = 'https://generativelanguage.example/v1beta/models/m:streamGenerateContent?alt=sse&key=AIzaSECRETSECRET';

  it('has its credential query parameters masked in the message', async () => {
    const error = await httpErrorFrom(withUrl(new Response('{"error":{"message":"denied"}}', { status: 403 }), url));
    expect(error.message).toBe('HTTP 403 from https://generativelanguage.example/v1beta/models/m:streamGenerateContent?alt=sse&key=[redacted]: denied');
  });

  it('is masked too when a 200 is not a stream (a login page)', async () => {
    const page = withUrl(new Response('<html>sign in</html>', { status: 200, headers: { 'content-type': 'text/html' } }), url);
    const error = await new Promise<unknown>((resolve) => fromSource(page).subscribe({ error: resolve, complete: () => resolve(undefined) }));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).message).toContain('?alt=sse&key=[redacted]');
    expect((error as HttpError).message).not.toContain('SECRET');
  });
});
