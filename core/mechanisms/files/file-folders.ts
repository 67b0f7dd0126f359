import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The folders of one file-transfer adapter under the OHS file root. Operators drop files into
 * `watch`; the OHS moves them on, and downloads land in `inbound`. The watcher looks at `watch` only
 * (depth 0), so the subfolders never feed back into it.
 */
export interface FileFolders {
  /** `<root>/<tenant>/<folder>`: files placed here are uploaded. */
  watch: string;
  /** Uploaded files, kept when `afterUpload` is `archive`. */
  archive: string;
  /** Rejected files, each with a `<name>.reason.txt` beside it. */
  quarantine: string;
  /** Files downloaded from the cloud. */
  inbound: string;
  /** In-progress downloads, renamed into `inbound` once verified. */
  staging: string;
}

/** Paths of an adapter's folders. */
export function fileFolders(fileRoot: string, tenantId: string, folder: string): FileFolders {
  const watch = join(fileRoot, tenantId, folder);
  return { watch, archive: join(watch, 'archive'), quarantine: join(watch, 'quarantine'), inbound: join(watch, 'inbound'), staging: join(watch, 'inbound', '.staging') };
}

/** Create every folder (at OHS start). */
export async function ensureFileFolders(folders: FileFolders): Promise<void> {
  for (const path of [folders.watch, folders.archive, folders.quarantine, folders.inbound, folders.staging]) await mkdir(path, { recursive: true });
}
