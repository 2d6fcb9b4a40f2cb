import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import { looksLikeErrorPayload, providerErrorFrom } from '../../src/transports/provider-error.js';

// Named payloads, as providers put them inside a stream.
const OPENAI_ERROR = { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } };
const GROQ_ERROR = { error: { message: 'Rate limit reached for model `llama-3.3-70b-versatile`', type: 'tokens', code: 'rate_limit_exceeded' } };
const STATUS_INSIDE = { error: { message: 'Upstream overloaded', type: 'overloaded_error', code: 'overloaded', status_code: 529 } };
const STATUS_BESIDE = { error: { message: 'Too many requests' }, status_code: 429 };
const OLLAMA_ERROR = { error: 'model "llama9" not found, try pulling it first' };
const VLLM_ERROR = { object: 'error', message: 'This model\'s maximum context length is 4096 tokens.', type: 'BadRequestError', param: null, code: 400 };

describe('providerErrorFrom', () => {
  it('an OpenAI error object gives its message and type', () => {
    const error = providerErrorFrom(OPENAI_ERROR, { event: 3 });
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'provider', providerMessage: OPENAI_ERROR.error.message, type: 'server_error', event: 3, payload: OPENAI_ERROR });
    expect(error!.providerCode).toBeUndefined();
  });

  it('a Groq error object gives its message, type and code', () => {
    expect(providerErrorFrom(GROQ_ERROR)).toMatchObject({ providerMessage: GROQ_ERROR.error.message, type: 'tokens', providerCode: 'rate_limit_exceeded' });
  });

  it('status_code inside or beside the error object is the status', () => {
    expect(providerErrorFrom(STATUS_INSIDE)).toMatchObject({ status: 529, providerCode: 'overloaded' });
    expect(providerErrorFrom(STATUS_BESIDE)).toMatchObject({ status: 429, providerMessage: 'Too many requests' });
    expect(providerErrorFrom(STATUS_INSIDE)!.message).toBe('Provider error (overloaded_error/overloaded) [status 529]: Upstream overloaded');
  });

  it('an Ollama error string is the message', () => {
    expect(providerErrorFrom(OLLAMA_ERROR, { line: 2, offset: 10 })).toMatchObject({ providerMessage: OLLAMA_ERROR.error, line: 2, offset: 10 });
  });

  it('a vLLM error object (object: "error") gives its message and type', () => {
    expect(providerErrorFrom(VLLM_ERROR)).toMatchObject({ providerMessage: VLLM_ERROR.message, type: 'BadRequestError', status: 400 });
  });

  it('ordinary chunks, a null error and a chunk with choices beside an error field are not errors', () => {
    expect(providerErrorFrom({ choices: [{ delta: { content: 'hi' } }] })).toBeUndefined();
    expect(providerErrorFrom({ error: null, choices: [] })).toBeUndefined();
    expect(providerErrorFrom({ error: { message: 'x' }, choices: [{ index: 0, delta: {} }] })).toBeUndefined();
    expect(providerErrorFrom([{ error: 'x' }])).toBeUndefined();
    expect(providerErrorFrom('error')).toBeUndefined();
  });

  it('the cheap prefix test matches error payloads with any spacing, and not chunks', () => {
    expect(looksLikeErrorPayload('{"error":{"message":"x"}}')).toBe(true);
    expect(looksLikeErrorPayload(' { "error" : "x" }')).toBe(true);
    expect(looksLikeErrorPayload('{ "error": "x" }')).toBe(true);
    expect(looksLikeErrorPayload('{"id":"chatcmpl-1","choices":[]}')).toBe(false);
    expect(looksLikeErrorPayload('{"errors":[]}')).toBe(false);
    expect(looksLikeErrorPayload('[DONE]')).toBe(false);
  });
});
