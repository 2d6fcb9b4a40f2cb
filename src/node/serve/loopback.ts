import { isIP } from 'node:net';

/**
 * Whether a host name or address only reaches this machine: `localhost`, 127.0.0.0/8, `::1`
 * (and `::ffff:127.x.x.x`). Everything else, `0.0.0.0` and `::` included, is remote.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^(?:0:){7}1$/.test(h) || /^::ffff:127\./.test(h);
  return false;
}

/** The URL origin for a bound address (IPv6 in brackets). */
export function originOf(host: string, port: number): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
