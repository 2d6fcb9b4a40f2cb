/**
 * The merge rules (README "Merge rules") on real streams from public sources
 * (test/fixtures/merge-rules/README.md), each fed whole and one byte at a time. The oracles are
 * independent of chunkwise: the same server's non-streamed body where the source has one, else
 * what the stream itself says elsewhere (OpenRouter's `reasoning` text beside its
 * `reasoning_details`, the raw `data:` lines read here with JSON.parse).
 */
import { describe, expect, test } from 'vitest';
import { ProviderError } from '../../../src/errors.js';
import { fixtureBytes, sameWholeAndBytewise, type Outcome } from '../../helpers/merge-fixtures.js';

/** The `data:` payloads of a fixture, parsed here without chunkwise. */
function payloads(name: string): Array<Record<string, any>> {
  return new TextDecoder()
    .decode(fixtureBytes(name))
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice(6)));
}

async function both(name: string): Promise<Outcome> {
  const { whole, bytewise } = await sameWholeAndBytewise(name);
  expect(bytewise.value).toEqual(whole.value);
  expect(bytewise.error?.message).toEqual(whole.error?.message);
  expect(bytewise.events).toEqual(whole.events);
  return whole;
}

function message(outcome: Outcome): Record<string, any> {
  return (outcome.value as any).choices[0].message;
}

describe('rule 1: arrays in a delta accumulate', () => {
  test('OpenRouter web-search annotations, one url_citation per delta, all kept in order', async () => {
    const name = 'openrouter-web-search-annotations.sse';
    const out = await both(name);
    const sent = payloads(name).flatMap((p) => p.choices?.[0]?.delta?.annotations ?? []);
    expect(sent.length).toBeGreaterThan(1);
    expect(message(out).annotations).toEqual(sent);
    expect(message(out).content).toBe(payloads(name).map((p) => p.choices?.[0]?.delta?.content ?? '').join(''));
  });

  test('OpenRouter (Claude) reasoning_details: one index-0 entry from text and signature fragments, text equal to the `reasoning` field', async () => {
    const name = 'openrouter-claude-reasoning-details.sse';
    const out = await both(name);
    const details = message(out).reasoning_details;
    expect(details).toHaveLength(1);
    expect(details[0]).toMatchObject({ type: 'reasoning.text', format: 'anthropic-claude-v1', index: 0 });
    expect(details[0].text).toBe(message(out).reasoning);
    const signatures = payloads(name).flatMap((p) => p.choices?.[0]?.delta?.reasoning_details ?? []).map((d) => d.signature ?? '');
    expect(details[0].signature).toBe(signatures.join(''));
    expect(details[0].signature.length).toBeGreaterThan(100);
  });

  test('Groq compound `executed_tools`: the index-0 entry resent whole with its output is one entry, arguments not doubled, later fields kept', async () => {
    const name = 'groq-compound-executed-tools-resent.sse';
    const out = await both(name);
    const sent = payloads(name).flatMap((p) => p.choices?.[0]?.delta?.executed_tools ?? []);
    expect(sent.map((e) => e.index)).toEqual([0, 0]);
    expect(sent[1].arguments).toBe(sent[0].arguments);
    expect(message(out).executed_tools).toEqual([{ ...sent[0], ...sent[1] }]);
    expect(message(out).content).toBe(payloads(name).map((p) => p.choices?.[0]?.delta?.content ?? '').join(''));
  });

  test('OpenAI gpt-audio: `delta.audio` fragments (id, transcript, base64 data in pieces, expires_at last) are one audio object; no finish_reason before [DONE]', async () => {
    const name = 'openai-gpt-audio-fragments-no-finish-reason.sse';
    const out = await both(name);
    const sent = payloads(name).flatMap((p) => (p.choices ?? []).map((c: any) => c.delta?.audio).filter(Boolean));
    expect(sent.filter((a) => a.data).length).toBeGreaterThan(1);
    const audio = message(out).audio;
    expect(audio.data).toBe(sent.map((a) => a.data ?? '').join(''));
    expect(audio.transcript).toBe(sent.map((a) => a.transcript ?? '').join(''));
    expect(audio.id).toBe(sent.find((a) => a.id)!.id);
    expect(audio.expires_at).toBe(sent.filter((a) => a.expires_at !== undefined).at(-1)!.expires_at);
    expect(payloads(name).some((p) => (p.choices ?? []).some((c: any) => c.finish_reason))).toBe(false);
    expect((out.value as any).choices[0].finish_reason).toBeNull();
    expect((out.value as any).usage).toEqual(payloads(name).find((p) => p.usage)!.usage);
  });

  test('top-level arrays that a server resends whole (Perplexity `citations`) are not doubled', async () => {
    const name = 'perplexity-sonar-citations-resent.sse';
    const out = await both(name);
    const last = payloads(name).at(-1)!;
    expect((out.value as any).citations).toEqual(last.citations);
  });
});

describe('rule 2: content as an array of parts', () => {
  test('Magistral: thinking parts then a text part, equal to the non-streamed message of the same response', async () => {
    const out = await both('magistral-medium-thinking-parts.sse');
    const oracle = JSON.parse(new TextDecoder().decode(fixtureBytes('magistral-medium-thinking-parts.non-streamed.json')));
    expect((out.value as any).id).toBe(oracle.id);
    expect(message(out).content).toEqual(oracle.choices[0].message.content);
    expect((out.value as any).usage).toEqual(oracle.usage);
    expect((out.value as any).choices[0].finish_reason).toBe(oracle.choices[0].finish_reason);
  });

  test('Mistral small: 40 thinking fragments become one part, a text part and a later plain string merge into "391"; the shape of the non-streamed body', async () => {
    const name = 'mistral-small-thinking-parts.sse';
    const out = await both(name);
    const oracle = JSON.parse(new TextDecoder().decode(fixtureBytes('mistral-small-thinking-parts.non-streamed.json')));
    const content = message(out).content;
    const shape = (parts: any[]) => parts.map((p) => ({ keys: Object.keys(p), inner: Array.isArray(p.thinking) ? p.thinking.map((t: any) => Object.keys(t)) : undefined }));
    expect(shape(content)).toEqual(shape(oracle.choices[0].message.content));
    const thinking = payloads(name)
      .flatMap((p) => (Array.isArray(p.choices[0].delta.content) ? p.choices[0].delta.content : []))
      .filter((part: any) => part.type === 'thinking')
      .flatMap((part: any) => part.thinking.map((t: any) => t.text))
      .join('');
    expect(content[0]).toEqual({ type: 'thinking', thinking: [{ type: 'text', text: thinking }], closed: true });
    expect(content[1]).toEqual({ type: 'text', text: '391' });
    const deltas = out.events.filter((e) => e.type === 'content.delta').map((e) => e.delta);
    expect(deltas).toEqual(['3', '91']);
  });
});

describe('rule 3: an error object on a chunk that still has choices', () => {
  test('OpenRouter/MiniMax: the error after finish_reason ends the stream as a ProviderError carrying that chunk’s usage', async () => {
    const name = 'openrouter-minimax-error-chunk-after-finish.sse';
    const out = await both(name);
    expect(out.error).toBeInstanceOf(ProviderError);
    const error = out.error as ProviderError;
    const sent = payloads(name).find((p) => p.error)!;
    expect(error.providerMessage).toBe(sent.error.message);
    expect(error.providerCode).toBe(sent.error.code);
    expect(error.payload).toEqual(sent);
    const partial = error.partial as any;
    expect(partial.usage).toEqual(sent.usage);
    expect(partial.choices[0].finish_reason).toBe('length');
    // rule 1 on the same stream: two index-0 fragments are one entry; `[]` adds nothing.
    const text = payloads(name).map((p) => p.choices[0].delta.reasoning ?? '').join('');
    expect(partial.choices[0].message.reasoning_details).toEqual([{ type: 'reasoning.text', text, index: 0, format: null }]);
    // rule 11: the usage event says what the server reported.
    const usage = out.events.filter((e) => e.type === 'usage').at(-1)!;
    expect(usage.normalized).toMatchObject({ prompt_tokens: 43, completion_tokens: 10, total_tokens: 53, cached_prompt_tokens: 0, reasoning_tokens: 11, unknown: [] });
  });
});

describe('rule 4: unknown string fields in a delta', () => {
  test('Groq gpt-oss: `channel: "analysis"` on every reasoning delta is a label, kept once; the reasoning text concatenates', async () => {
    const name = 'groq-gpt-oss-channel-label-tool-call.sse';
    const out = await both(name);
    const deltas = payloads(name).map((p) => p.choices?.[0]?.delta ?? {});
    const channels = new Set(deltas.filter((d) => 'channel' in d).map((d) => d.channel));
    expect([...channels]).toEqual(['analysis']);
    expect(deltas.filter((d) => 'channel' in d).length).toBeGreaterThan(10);
    expect(message(out).channel).toBe('analysis');
    expect(message(out).reasoning).toBe(deltas.map((d) => d.reasoning ?? '').join(''));
    const sent = deltas.flatMap((d) => d.tool_calls ?? [])[0];
    expect(message(out).tool_calls).toEqual([{ id: sent.id, type: sent.type, function: sent.function }]);
    expect((out.value as any).choices[0].finish_reason).toBe('tool_calls');
  });
});

describe('rule 5: a chunk-level `message` beside `delta`', () => {
  test('Perplexity: every chunk has `message` (the text so far) beside `delta`; the deltas are the source of truth and agree with the last `message`', async () => {
    const name = 'perplexity-sonar-message-beside-delta.sse';
    const out = await both(name);
    const sent = payloads(name);
    expect(sent.every((p) => 'message' in p.choices[0] && 'delta' in p.choices[0])).toBe(true);
    const text = sent.map((p) => p.choices[0].delta.content ?? '').join('');
    expect(message(out).content).toBe(text);
    // The server's own running text is an oracle independent of chunkwise.
    expect(message(out).content).toBe(sent.at(-1)!.choices[0].message.content);
    expect(message(out).role).toBe('assistant');
    expect((out.value as any).choices[0].finish_reason).toBe('stop');
    expect((out.value as any).usage).toEqual(sent.at(-1)!.usage);
  });
});

describe('rule 12: "" versus null', () => {
  test('Snowflake Cortex: `id`, `service_tier` sent only as "" stay "", as its non-streamed body writes them; `refusal` and `system_fingerprint` follow the documented OpenAI shape (null)', async () => {
    const name = 'snowflake-cortex-empty-string-fields.sse';
    const out = await both(name);
    const oracle = JSON.parse(new TextDecoder().decode(fixtureBytes('snowflake-cortex-empty-string-fields.non-streamed.json')));
    const value = out.value as any;
    expect(value.id).toBe(oracle.id);
    expect(value.service_tier).toBe(oracle.service_tier);
    expect(value.model).toBe(oracle.model);
    expect(message(out).content).toBe(oracle.choices[0].message.content);
    expect(message(out).role).toBe(oracle.choices[0].message.role);
    expect(value.usage).toEqual(oracle.usage);
    expect(value.choices[0].logprobs).toEqual(oracle.choices[0].logprobs);
    // Where Snowflake's non-streamed body writes "" but the rule (one for every provider) writes
    // what OpenAI's does; recorded in test/fixtures/merge-rules/README.md.
    expect(oracle.choices[0].message.refusal).toBe('');
    expect(message(out).refusal).toBeNull();
    expect(oracle.system_fingerprint).toBe('');
    expect(value.system_fingerprint).toBeNull();
    // The stream never sends a finish_reason (the non-streamed body has ""): [DONE] ends it, null.
    expect(payloads(name).some((p) => p.choices?.[0]?.finish_reason !== undefined)).toBe(false);
    expect(value.choices[0].finish_reason).toBeNull();
  });
});

describe('rule 6: envelope fields are set by real values only', () => {
  test('Azure: the prompt-filter chunk’s created 0, id "", model "" never overwrite the real ones; unknown choice fields are kept', async () => {
    const name = 'azure-content-filter-envelope.sse';
    const out = await both(name);
    const real = payloads(name)[1]!;
    expect(out.value).toMatchObject({ id: real.id, created: real.created, model: real.model, object: 'chat.completion' });
    expect(message(out).content).toBe('Hello World');
    const choice = (out.value as any).choices[0];
    expect(choice.content_filter_offsets).toEqual(payloads(name)[5]!.choices[0].content_filter_offsets);
    expect((out.value as any).prompt_filter_results).toEqual(payloads(name)[0]!.prompt_filter_results);
  });
});
