/**
 * The folder behind `recordingFetch({ dir })`: recordings read with `readRecording` (each
 * checked to look like its format) and saved with `writeRecording`, named by path under `dir`.
 */
import { constants } from 'node:fs';
import { access, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { extensionOfRecording } from '../../replay/message-boundaries.js';
import type { Recording } from '../../replay/recording.js';
import { RECORDING_EXTENSIONS, transportFromContentType } from '../../transports/transport-table.js';
import type { RecordingStore } from '../../testing/recording-store.js';
import type { NamedRecording } from '../../testing/types.js';
import { RECORDING_FILE_MODE, folderModeFor, listRecordings, readRecording, sidecarPathOf, writeRecording, type WriteRecordingOptions } from '../recording-files.js';

const SIDECAR_OF_BODY = new RegExp(`(?:${RECORDING_EXTENSIONS.map((e) => e.replace('.', '\\.')).join('|')})\\.json$`, 'i');

/**
 * A {@link RecordingStore} over a folder (subfolders included).
 *
 * @example
 * ```ts
 * const recordings = await fileRecordingStore('test/recordings').load(false);
 * ```
 */
export function fileRecordingStore(dir: string, options: WriteRecordingOptions = {}): RecordingStore {
  return {
    where: dir,
    async load(missingOk) {
      if (missingOk && !(await isFolder(dir))) return [];
      const entries = await listRecordings(dir, { recursive: true });
      await checkSidecarsHaveBodies(dir);
      const out: NamedRecording[] = [];
      for (const entry of entries) {
        const recording = await readRecording(entry.bodyPath);
        checkLooksLikeItsFormat(entry.bodyPath, recording);
        out.push({ name: entry.name, recording });
      }
      return out;
    },
    async ensureWritable() {
      try {
        await mkdir(dir, { recursive: true, mode: folderModeFor(options.fileMode ?? RECORDING_FILE_MODE) });
        await access(dir, constants.W_OK);
      } catch (error) {
        throw new UsageError(`recordingFetch cannot record into ${dir}: ${reason(error)}`, { cause: error });
      }
    },
    async save(name, recording) {
      const extension = extensionOfRecording(recording);
      const bodyPath = join(dir, name + extension);
      // A recording of the same name in the other format would be listed twice.
      for (const other of RECORDING_EXTENSIONS) {
        if (other === extension) continue;
        await rm(join(dir, name + other), { force: true });
        await rm(sidecarPathOf(join(dir, name + other)), { force: true });
      }
      await writeRecording(bodyPath, recording, options);
      return bodyPath;
    },
  };
}

async function isFolder(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

async function checkSidecarsHaveBodies(dir: string): Promise<void> {
  const files = new Set((await readdir(dir, { recursive: true })).map(String));
  for (const file of files) {
    if (!SIDECAR_OF_BODY.test(file)) continue;
    const body = file.slice(0, -'.json'.length);
    if (!files.has(body)) throw new UsageError(`Recording sidecar ${join(dir, file)} has no body: ${join(dir, body)} is missing`);
  }
}

/**
 * An SSE body starts with an SSE field or comment, an NDJSON body with `{` or `[`. Bodies
 * whose recorded content type is neither (an HTML error page) and error responses are not checked.
 */
function checkLooksLikeItsFormat(bodyPath: string, recording: Recording): void {
  const declared = transportFromContentType(recording.meta?.contentType);
  if ((recording.meta?.status ?? 200) >= 400) return;
  const head = new TextDecoder().decode(recording.body.subarray(0, 512)).replace(/^\uFEFF/, '').trimStart();
  if (head === '') return;
  const firstLine = head.split(/\r\n|\r|\n/, 1)[0]!;
  if (declared === 'sse' && !/^(?::|(?:data|event|id|retry)(?::|$))/.test(firstLine)) {
    throw new UsageError(`${bodyPath} is not an SSE recording: it starts with ${JSON.stringify(firstLine.slice(0, 60))}, not a data: / event: line`);
  }
  if (declared === 'ndjson' && !/^[{[]/.test(firstLine)) {
    throw new UsageError(`${bodyPath} is not an NDJSON recording: it starts with ${JSON.stringify(firstLine.slice(0, 60))}, not a JSON object`);
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EEXIST' || code === 'ENOTDIR') return 'a file is in the way of the folder';
  if (code === 'EROFS') return 'read-only file system';
  return error instanceof Error ? error.message : String(error);
}
