/**
 * The one way the tests start a real Chromium: Debian's /usr/bin/chromium, headless, in a fresh
 * profile folder that is removed after. Locally a machine without it skips with one line; under
 * CI=true it never skips (the check throws).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let warned = false;

/** Whether Chromium is here; logs the skip line once when it is not, throws under CI=true. */
export function chromiumPresent(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but there is no Chromium at ${CHROMIUM}: install it with apt-get install -y chromium`);
  if (!warned) console.warn(`skipping the real-browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  warned = true;
  return false;
}

export interface LaunchedChromium {
  context: BrowserContext;
  /** Closes the browser and removes its profile folder. */
  close(): Promise<void>;
}

/** A headless Chromium in a fresh profile, or null (after the skip line) when there is none. */
export async function launchChromium(): Promise<LaunchedChromium | null> {
  if (!chromiumPresent()) return null;
  const profile = mkdtempSync(join(tmpdir(), 'chunkwise-chromium-'));
  try {
    // Playwright takes the profile as launchPersistentContext's folder (it refuses `--user-data-dir` in args).
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
    return {
      context,
      async close() {
        await context.close().catch(() => {});
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
