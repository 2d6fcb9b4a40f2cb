import type { ProviderName, ProviderSpec } from '../assembly/assembler.js';
import { ollamaProvider } from './ollama/spec.js';
import { openAiResponsesProvider } from './openai-responses/spec.js';
import { groqProvider, openAiProvider } from './openai/spec.js';

const providers: Record<ProviderName, ProviderSpec> = {
  openai: openAiProvider as ProviderSpec,
  groq: groqProvider as ProviderSpec,
  ollama: ollamaProvider as ProviderSpec,
  'openai-responses': openAiResponsesProvider as ProviderSpec,
};

export const PROVIDER_NAMES = Object.keys(providers) as ProviderName[];

export function providerSpec(name: ProviderName): ProviderSpec {
  const spec = providers[name];
  if (!spec) throw new TypeError(`Unknown provider "${String(name)}"; expected one of ${PROVIDER_NAMES.join(', ')}`);
  return spec;
}
