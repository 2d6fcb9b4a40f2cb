import { stripRecordingExtension } from '../transports/transport-table.js';
import type { RecordingRequest } from './types.js';

/**
 * A name that is safe as a file path under the recordings folder: letters, digits, `.`, `_`,
 * `-` and `/` (subfolders) kept, anything else a `-`; no empty, `.` or `..` segments; a
 * recording extension dropped.
 *
 * @example
 * ```ts
 * safeRecordingName('chat.test.ts > greets the user'); // 'chat.test.ts-greets-the-user'
 * ```
 */
export function safeRecordingName(name: string): string {
  const segments = stripRecordingExtension(name)
    .split(/[\\/]+/)
    .map((segment) => segment.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, ''))
    .filter((segment) => segment !== '');
  return segments.join('/') || 'recording';
}

/**
 * The default name stem of a request's recording: `<endpoint>-<model>`, the endpoint without
 * its `/v1` (`chat-completions-gpt-4o-mini`, `api-chat-llama3.2`).
 *
 * @example
 * ```ts
 * defaultNameStem({ endpoint: '/api/chat', model: 'llama3.2:1b', … }); // 'api-chat-llama3.2-1b'
 * ```
 */
export function defaultNameStem(request: RecordingRequest): string {
  const endpoint = request.endpoint.replace(/^\/v1\//, '/').split('/').filter(Boolean).join('-') || 'root';
  const stem = request.model ? `${endpoint}-${request.model}` : endpoint;
  return safeRecordingName(stem.replace(/\//g, '-'));
}
