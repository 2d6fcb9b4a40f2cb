import { stripRecordingExtension } from '../../transports/transport-table.js';
import type { CatalogEntry, Endpoint } from './catalog.js';

/** How the server picked a recording, or why it could not. */
export type Choice = { entry: CatalogEntry; by: 'header' | 'model' | 'default' } | { error: string; status: number };

/**
 * Picks the recording that answers a request: the one named by the `x-chunkwise-recording`
 * header, else the first one (by name) recorded with the requested model, else the first one
 * that fits the endpoint, preferring recordings that end well over error and truncated ones.
 */
export function chooseRecording(catalog: CatalogEntry[], endpoint: Endpoint, named: string | undefined, model: string | undefined): Choice {
  const fits = catalog.filter((entry) => entry.endpoints.includes(endpoint));
  if (named !== undefined) {
    const entry = catalog.find((e) => e.name === named || e.name === stripRecordingExtension(named));
    if (!entry) return { status: 404, error: `No recording named "${named}" (GET /recordings lists them)` };
    if (!entry.endpoints.includes(endpoint)) {
      return { status: 400, error: `Recording "${entry.name}" answers ${entry.endpoints.join(', ')}, not ${endpoint}` };
    }
    return { entry, by: 'header' };
  }
  const ranked = [...fits.filter((e) => e.complete), ...fits.filter((e) => !e.complete)];
  if (model !== undefined) {
    const entry = ranked.find((e) => e.models.includes(model));
    if (entry) return { entry, by: 'model' };
  }
  const entry = ranked[0];
  if (!entry) return { status: 404, error: `No recording answers ${endpoint}` };
  return { entry, by: 'default' };
}
