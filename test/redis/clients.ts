import { Redis } from 'ioredis';
import { createClient } from 'redis';

/** The two clients chunkwise/redis supports, connected to one server; each test closes its own. */
export const CLIENTS = {
  'node-redis': async (url: string) => {
    const client = createClient({ url, socket: { reconnectStrategy: (retries: number) => Math.min(20 * 2 ** retries, 200) } });
    client.on('error', () => {}); // reconnects are the point of some tests
    await client.connect();
    return { client, close: () => client.destroy() };
  },
  ioredis: async (url: string) => {
    const client = new Redis(url, { retryStrategy: (times: number) => Math.min(20 * 2 ** times, 200), maxRetriesPerRequest: null });
    client.on('error', () => {});
    await client.ping();
    return { client, close: () => client.disconnect() };
  },
} as const;

export type ClientName = keyof typeof CLIENTS;
