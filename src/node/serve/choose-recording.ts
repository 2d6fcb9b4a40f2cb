import { answersUnnamed, sameModel } from '../../testing/match-recording.js';
import { stripRecordingExtension } from '../../transports/transport-table.js';
import type { CatalogEntry, Endpoint } from './catalog.js';

/** How the server picked a recording, or why it could not. */
export type Choice = { entry: CatalogEntry; by: 'header' | 'model' | 'default' } | { error: string; status: number };

/**
 * Picks the recording that answers a request: the one named by the `x-chunkwise-recording`
 * header, else the first one (by name) recorded with the requested model (a dated snapshot
 * answers its undated name, as in the test kit), else the first one that fits the endpoint,
 * preferring recordings that end well over error and truncated ones. Recordings kept to show a
 * server quirk (`meta.quirk`) answer only by name, as in the test kit's matcher.
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
  const plain = fits.filter(answersUnnamed);
  const ranked = [...plain.filter((e) => e.complete), ...plain.filter((e) => !e.complete)];
  if (model !== undefined) {
    const entry = ranked.find((e) => e.models.some((m) => sameModel(model, m)));
    if (entry) return { entry, by: 'model' };
  }
  const entry = ranked[0];
  if (!entry) {
    const why = fits.length > 0 ? ` unless named: the ones for it show server quirks (${fits.map((e) => e.name).join(', ')}); name one with the x-chunkwise-recording header` : '';
    return { status: 404, error: `No recording answers ${endpoint}${why}` };
  }
  return { entry, by: 'default' };
}
