// Token-sized text for generated bodies: mostly English words with a leading space, as
// GPT tokenizers cut them, plus punctuation, newlines and multi-byte characters (accents,
// CJK, emoji: 2-, 3- and 4-byte UTF-8, the last as surrogate pairs in JS strings).

const WORDS = (
  'the of and to in is that for it as with was on be by this are from or at an which but not have has ' +
  'stream chunk token model response delta object parser buffer event final value array string number ' +
  'latency request server client message content function argument result memory time cost growth ' +
  'because however therefore although simple realistic large small first second third every each other'
).split(' ');
const MULTI_BYTE = ['é', 'ü', 'ñ', 'ç', 'ø', 'ß', '€', '—', '“', '”', '日本', '語', '中文', '한국어', 'Ω', 'π', '→', '✓', '🙂', '🚀', '👍🏽', '🎉'];
const PUNCTUATION = [',', '.', ':', ';', '!', '?', ' (', ')', ' "', '"', "'s", '-', '\n', '\n\n', ' `', '`'];

/** One token of text: about 75% words, 15% punctuation, 10% multi-byte. */
export function textToken(random) {
  const r = random.next();
  if (r < 0.75) {
    const word = random.pick(WORDS);
    return random.chance(0.08) ? ` ${word[0].toUpperCase()}${word.slice(1)}` : ` ${word}`;
  }
  if (r < 0.9) return random.pick(PUNCTUATION);
  return random.chance(0.5) ? ` ${random.pick(MULTI_BYTE)}` : random.pick(MULTI_BYTE);
}

/** A few words of text, for string values inside tool-call arguments. */
export function phrase(random, min, max) {
  let s = '';
  const n = random.int(min, max);
  for (let i = 0; i < n; i++) s += textToken(random);
  return s.trim();
}

/** UTF-8 bytes of a token, as OpenAI's `bytes` field lists them. */
const encoder = new TextEncoder();
export function utf8Bytes(token) {
  return Array.from(encoder.encode(token));
}

/** A logprob as OpenAI prints it: negative, often tiny, sometimes in exponent form. */
export function logprob(random) {
  const r = random.next();
  if (r < 0.5) return -Number((random.next() * 0.01).toPrecision(8));
  if (r < 0.6) return -Number((random.next() * 1e-6).toPrecision(8));
  return -Number((random.next() * 8).toPrecision(8));
}
