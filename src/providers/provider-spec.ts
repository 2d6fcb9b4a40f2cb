import type { Assembler, AssemblerOptions } from '../assembly/assembler.js';
import type { TransportName } from '../transports/transport-table.js';

/**
 * The providers chunkwise assembles; each is one entry of the wire-format registry
 * (`providers/registry.ts`). Adding a provider adds its name here and its entry there.
 */
export type ProviderName = 'openai' | 'groq' | 'ollama' | 'openai-responses';

/** What the pipeline needs to know of a provider. */
export interface ProviderSpec<Chunk = unknown, Snapshot = unknown, Final = unknown> {
  name: ProviderName;
  transport: TransportName;
  createAssembler(options?: AssemblerOptions<Snapshot, Chunk>): Assembler<Chunk, Snapshot, Final>;
}
