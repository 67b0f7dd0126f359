import type { StoreDatabase } from './open-store.js';

/** Where a file is in its journey; only forward moves are allowed. */
export type FileState = 'detected' | 'uploading' | 'uploaded' | 'done' | 'quarantined';

/** One file as the ledger knows it. */
export interface LedgerEntry {
  tenantId: string;
  adapterId: string;
  /** Stable id of one version of one file: adapter, name, size and modification time. */
  fileId: string;
  fileName: string;
  size: number;
  mtimeMs: number;
  sha256: string | undefined;
  state: FileState;
  blobName: string | undefined;
  detail: string | undefined;
}

/**
 * The file ledger: what happened to each file version, so that a restart resumes an interrupted
 * upload and never uploads a finished one twice.
 */
export class FileLedger {
  readonly #db: StoreDatabase;

  constructor(db: StoreDatabase) {
    this.#db = db;
  }

  /** The entry of a file version, if any. */
  get(tenantId: string, fileId: string): LedgerEntry | undefined {
    const row = this.#db.prepare('SELECT * FROM file_ledger WHERE tenant_id = ? AND file_id = ?').get(tenantId, fileId) as LedgerRow | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  /** Record a file's state (insert or move forward). */
  record(entry: LedgerEntry, now = Date.now()): void {
    this.#db
      .prepare(
        `INSERT INTO file_ledger (tenant_id, adapter_id, file_id, file_name, size, mtime_ms, sha256, state, blob_name, detail, updated_at)
         VALUES (@tenantId, @adapterId, @fileId, @fileName, @size, @mtimeMs, @sha256, @state, @blobName, @detail, @now)
         ON CONFLICT (tenant_id, file_id) DO UPDATE SET sha256 = excluded.sha256, state = excluded.state,
           blob_name = excluded.blob_name, detail = excluded.detail, updated_at = excluded.updated_at`,
      )
      .run({ ...entry, sha256: entry.sha256 ?? null, blobName: entry.blobName ?? null, detail: entry.detail ?? null, now });
  }

  /** Entries not yet finished (detected, uploading, uploaded), oldest first: the work a restart resumes. */
  unfinished(tenantId: string): LedgerEntry[] {
    return (
      this.#db.prepare(`SELECT * FROM file_ledger WHERE tenant_id = ? AND state IN ('detected', 'uploading', 'uploaded') ORDER BY updated_at`).all(tenantId) as LedgerRow[]
    ).map(fromRow);
  }
}

interface LedgerRow {
  tenant_id: string;
  adapter_id: string;
  file_id: string;
  file_name: string;
  size: number;
  mtime_ms: number;
  sha256: string | null;
  state: FileState;
  blob_name: string | null;
  detail: string | null;
}

function fromRow(row: LedgerRow): LedgerEntry {
  return {
    tenantId: row.tenant_id,
    adapterId: row.adapter_id,
    fileId: row.file_id,
    fileName: row.file_name,
    size: row.size,
    mtimeMs: row.mtime_ms,
    sha256: row.sha256 ?? undefined,
    state: row.state,
    blobName: row.blob_name ?? undefined,
    detail: row.detail ?? undefined,
  };
}
