import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { REDACTED, redactHeaders, redactSecrets } from '../../src/assembly/redact.js';
import { RECORDING_FORMAT_VERSION, type Recording } from '../../src/replay/recording.js';
import { piecesProblem, recordingFromSidecar, recordingToSidecar } from '../../src/replay/sidecar.js';

const body = new TextEncoder().encode('data: {"a":1}\n\ndata: [DONE]\n\n');
const recording: Recording = {
  body,
  pieces: [
    { offset: 0, length: 15, at: 0 },
    { offset: 15, length: 14, at: 812.5 },
  ],
  end: { at: 813, outcome: 'complete' },
  meta: { provider: 'openai', endpoint: 'https://api.openai.com/v1/chat/completions', method: 'POST', status: 200, contentType: 'text/event-stream', model: 'gpt-4o-mini' },
};

describe('recording sidecar', () => {
  it('round-trips through JSON: tag, version, meta, pieces and end', () => {
    const json = JSON.parse(JSON.stringify(recordingToSidecar(recording)));
    expect(json).toMatchObject({ format: 'chunkwise-recording', version: RECORDING_FORMAT_VERSION });
    expect(recordingFromSidecar(body, json)).toEqual(recording);
  });

  it('redacts credentials in headers and the request body, keeping token counts', () => {
    const sidecar = recordingToSidecar({
      body,
      meta: {
        headers: { Authorization: 'Bearer sk-abcdefghijklmnopqrstuvwx', 'set-cookie': 'a=b', 'openai-organization': 'org-1', 'x-request-id': 'req_1' },
        requestBody: { model: 'llama3', api_key: 'k', max_tokens: 5, messages: [{ role: 'user', content: 'my key is gsk_ABCDEFGHIJKLMNOPQRST' }] },
      },
    });
    expect(sidecar.meta?.headers).toEqual({ authorization: REDACTED, 'set-cookie': REDACTED, 'openai-organization': REDACTED, 'x-request-id': 'req_1' });
    expect(sidecar.meta?.requestBody).toEqual({ model: 'llama3', api_key: REDACTED, max_tokens: 5, messages: [{ role: 'user', content: `my key is ${REDACTED}` }] });
  });

  it('leaves the input untouched when redacting', () => {
    const input = { client_secret: 'x', nested: { password: 'y' } };
    expect(redactSecrets(input)).toEqual({ client_secret: REDACTED, nested: { password: REDACTED } });
    expect(input.client_secret).toBe('x');
    expect(redactHeaders({ 'X-Api-Key': 'k' })).toEqual({ 'x-api-key': REDACTED });
  });

  it('rejects JSON that is not a sidecar, naming the source', () => {
    expect(() => recordingFromSidecar(body, { pieces: [] }, 'a.sse.json')).toThrow(/a\.sse\.json is not a valid recording sidecar: "format"/);
    expect(() => recordingFromSidecar(body, [1, 2], 'a.sse.json')).toThrow(UsageError);
  });

  it('rejects a newer format version', () => {
    expect(() => recordingFromSidecar(body, { format: 'chunkwise-recording', version: RECORDING_FORMAT_VERSION + 1 })).toThrow(/newer than this library reads/);
  });

  it('rejects pieces that do not tile the body', () => {
    const sidecar = (pieces: unknown) => ({ format: 'chunkwise-recording', version: 1, pieces });
    expect(() => recordingFromSidecar(body, sidecar([{ offset: 0, length: 10, at: 0 }]))).toThrow(/cover 10 of 29 body bytes/);
    expect(() => recordingFromSidecar(body, sidecar([{ offset: 1, length: 29, at: 0 }]))).toThrow(/pieces must be contiguous/);
    expect(() => recordingFromSidecar(body, sidecar([{ offset: 0, length: 15, at: 5 }, { offset: 15, length: 14, at: 4 }]))).toThrow(/before the piece before it/);
    expect(() => recordingFromSidecar(body, sidecar([{ offset: 0, length: -1, at: 0 }]))).toThrow(/pieces\[0\] must be/);
  });

  it('accepts contiguous pieces covering the body, including empty ones', () => {
    expect(piecesProblem([{ offset: 0, length: 0, at: 0 }, { offset: 0, length: 29, at: 0 }], 29)).toBeUndefined();
    expect(piecesProblem([], 0)).toBeUndefined();
  });

  it('rejects a malformed end', () => {
    expect(() => recordingFromSidecar(body, { format: 'chunkwise-recording', version: 1, end: { at: 1, outcome: 'exploded' } })).toThrow(/"end" must be/);
  });
});
