// An independent, minimal reading of a body (the truth for recordings, which have no
// generator): content and tool-call argument text of choice 0, logprob token count and the
// number of JSON events. Shares no code with chunkwise.
import { createParser } from 'eventsource-parser';

export function referenceTruth(text, transport) {
  const payloads = [];
  if (transport === 'sse') {
    const parser = createParser({
      onEvent(event) {
        if (event.data !== '[DONE]' && event.data.trim() !== '') payloads.push(JSON.parse(event.data));
      },
    });
    parser.feed(text);
    parser.feed('\n\n');
  } else {
    for (const line of text.split('\n')) if (line.trim() !== '') payloads.push(JSON.parse(line));
  }
  let content = null;
  const toolArgs = [];
  const toolNames = [];
  let logprobTokens = 0;
  for (const p of payloads) {
    if (transport === 'sse') {
      for (const choice of p.choices ?? []) {
        if (choice.index !== 0) continue;
        const delta = choice.delta ?? {};
        if (typeof delta.content === 'string' && delta.content !== '') content = (content ?? '') + delta.content;
        for (const call of delta.tool_calls ?? []) {
          const i = call.index ?? toolArgs.length;
          toolArgs[i] = (toolArgs[i] ?? '') + (call.function?.arguments ?? '');
          if (call.function?.name) toolNames[i] = call.function.name;
        }
        logprobTokens += choice.logprobs?.content?.length ?? 0;
      }
    } else {
      const piece = p.message?.content ?? p.response ?? '';
      if (piece !== '') content = (content ?? '') + piece;
      for (const call of p.message?.tool_calls ?? []) {
        toolArgs.push(JSON.stringify(call.function?.arguments ?? {}));
        toolNames.push(call.function?.name);
      }
    }
  }
  const kind = transport === 'ndjson' && payloads.some((p) => 'response' in p) ? 'generate' : 'chat';
  return { events: payloads.length, content, toolArgs, toolNames: [...new Set(toolNames.filter(Boolean))], logprobTokens, kind };
}

/** Why a contestant's result does not match the truth, or undefined when it does. */
export function mismatch(result, truth) {
  if (result.events !== undefined) {
    return result.events === truth.events ? undefined : `parsed ${result.events} events, expected ${truth.events}`;
  }
  const want = truth.content ?? '';
  const got = result.content ?? '';
  if (got !== want) return `content differs (${got.length} chars, expected ${want.length}; first difference at ${firstDifference(got, want)})`;
  if (result.toolArgs !== undefined) {
    if (result.toolArgs.length !== truth.toolArgs.length) return `${result.toolArgs.length} tool calls, expected ${truth.toolArgs.length}`;
    for (let i = 0; i < truth.toolArgs.length; i++) {
      if (result.toolArgs[i] !== truth.toolArgs[i]) return `tool call ${i} arguments differ at ${firstDifference(result.toolArgs[i] ?? '', truth.toolArgs[i])}`;
    }
  }
  if (result.logprobTokens !== undefined && result.logprobTokens !== truth.logprobTokens) {
    return `${result.logprobTokens} logprob tokens, expected ${truth.logprobTokens}`;
  }
  return undefined;
}

function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
