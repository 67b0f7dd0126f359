import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { FileCandidate } from '../../sdk/index.js';

/** Describe a file on disk as the FileCandidate an adapter validates. */
export async function fileCandidateFromPath(path: string): Promise<FileCandidate> {
  const absolute = resolve(path);
  const info = await stat(absolute);
  if (!info.isFile()) throw new Error(`${absolute} is not a regular file`);
  return { name: basename(absolute), path: absolute, size: info.size, open: () => createReadStream(absolute) };
}
