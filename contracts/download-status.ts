import { z } from 'zod';

/**
 * Outcome of a cloud-to-OHS file download, written by the OHS into the tenant's container so the
 * gateway can answer `GET .../files/{downloadId}` without holding state of its own.
 */
export const downloadStatusSchema = z.object({
  downloadId: z.string().min(1),
  status: z.enum(['downloaded', 'failed']),
  adapterId: z.string().min(1),
  /** Name the file got in the inbound folder (versioned when the requested name was taken). */
  fileName: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  sha256: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).optional(),
  at: z.string(),
});
/** Outcome of a download. */
export type DownloadStatus = z.infer<typeof downloadStatusSchema>;

/** Blob (in the tenant container) holding a download's outcome; beside, not inside, `downloads/<id>/`. */
export const downloadStatusBlobName = (downloadId: string): string => `downloads/${downloadId}.status.json`;
