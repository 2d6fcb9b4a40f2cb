/** Ollama's native API (`/api/chat`, `/api/generate`, NDJSON): re-exports only. */
export { createOllamaAssembler, type OllamaAssembler } from './assembler.js';
export { ollamaChunks, ollamaSnapshots, type OllamaSnapshotsOptions } from './chunks.js';
export { ollamaProvider } from './spec.js';
export type * from './types.js';
