import type { Readable } from 'node:stream';
import type { AdapterContext } from './context.js';

/** The folder and file names a file-transfer adapter owns under the OHS file root. */
export interface FileDeclaration {
  /** Subfolder name under the file root, e.g. "weather". Lowercase letters, digits, hyphens. */
  folder: string;
  /** Glob-like name patterns (`*` and `?`), matched case-insensitively, e.g. ["*.csv"]. */
  patterns: readonly string[];
  /** Which way files move: upload (folder -> cloud), download (cloud -> folder), or both. */
  direction: 'upload' | 'download' | 'both';
  description: string;
}

/** A complete file offered to an adapter for validation. */
export interface FileCandidate {
  /** File name without folder. */
  name: string;
  /** Absolute path on disk. */
  path: string;
  size: number;
  /** A fresh stream of the file's bytes; adapters stream rather than load large files. */
  open(): Readable;
}

/** One reason a file was rejected, located as precisely as the format allows. */
export interface RejectionReason {
  /** 1-based line number, for line-oriented formats. */
  line?: number;
  /** Element or column name, for structured formats. */
  element?: string;
  message: string;
}

/** What an accepted file contains, as announced in the "uploaded" notification. */
export interface AcceptedFile {
  accepted: true;
  recordCount: number;
  /** Earliest and latest timestamps in the file, ISO 8601 UTC. */
  timeRange?: { from: string; to: string };
  /** The identifiers the file is about (stations, meters, ...), de-duplicated, sorted. */
  identifiers: string[];
  /** Format-specific facts (format variant, channels, units...). */
  metadata: Record<string, unknown>;
}

/** Why a file was rejected: every reason found, not only the first. */
export interface RejectedFile {
  accepted: false;
  reasons: RejectionReason[];
}

/** Result of validating one file. */
export type FileValidation = AcceptedFile | RejectedFile;

/** A file-transfer adapter: validates files of its folder before they are uploaded. */
export interface FileTransferAdapter {
  start(context: AdapterContext): Promise<void>;
  stop(): Promise<void>;
  validate(file: FileCandidate): Promise<FileValidation>;
}
