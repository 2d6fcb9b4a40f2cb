import type { ProviderName } from '../../providers/provider-spec.js';
import { defaultProvider, servedEndpoint } from '../../providers/registry.js';

/**
 * The bearer key for a request: from `keyEnv` when given, else `GROQ_API_KEY` for Groq hosts and
 * `OPENAI_API_KEY` for OpenAI hosts. Other hosts (a local Ollama, a proxy) get no key unless
 * asked, so a key never goes to a server it was not meant for.
 */
export function apiKeyFor(url: URL, env: Record<string, string | undefined>, keyEnv?: string): string | undefined {
  const name = keyEnv ?? (isHost(url, 'groq.com') ? 'GROQ_API_KEY' : isHost(url, 'openai.com') ? 'OPENAI_API_KEY' : undefined);
  const key = name ? env[name] : undefined;
  return key && key.trim() !== '' ? key.trim() : undefined;
}

/**
 * The provider of a path the registry names for a format of its own (`…/responses`: the
 * Responses API, whichever server); else `groq` for Groq hosts, `ollama` for Ollama's native
 * paths (`/api/…`) or port 11434, else `openai`.
 */
export function providerForUrl(url: URL): ProviderName {
  const served = servedEndpoint(url.pathname.replace(/\/+$/, ''));
  if (served !== undefined && served.provider !== defaultProvider(served.transport)) return served.provider;
  if (isHost(url, 'groq.com')) return 'groq';
  if (url.pathname.startsWith('/api/') || url.port === '11434') return url.pathname.includes('/v1/') ? 'openai' : 'ollama';
  return 'openai';
}

function isHost(url: URL, domain: string): boolean {
  const host = url.hostname.toLowerCase();
  return host === domain || host.endsWith(`.${domain}`);
}
