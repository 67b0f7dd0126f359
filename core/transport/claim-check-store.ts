import { createHash } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import type { ClaimCheckBody } from '../../contracts/envelope.js';
import { HybridError } from '../sdk/index.js';

/**
 * Claim checks: a message body too large for its entity is stored as a blob and the message carries
 * a reference instead (container, blob name, size, sha256). Names derive from the message id, so a
 * retried send overwrites the same blob instead of leaving orphans.
 */
export class ClaimCheckStore {
  readonly #container: ContainerClient;

  constructor(container: ContainerClient) {
    this.#container = container;
  }

  /** Store a body and return the reference to send in its place. */
  async put(messageId: string, body: Buffer): Promise<ClaimCheckBody> {
    const blobName = `claim-checks/${encodeURIComponent(messageId)}.json`;
    const sha256 = createHash('sha256').update(body).digest('hex');
    await this.#container.getBlockBlobClient(blobName).uploadData(body, { blobHTTPHeaders: { blobContentType: 'application/json' }, metadata: { sha256 } });
    return { container: this.#container.containerName, blobName, size: body.length, sha256 };
  }

  /** Fetch a claim-checked body, verifying its size and hash. */
  async get(reference: ClaimCheckBody): Promise<Buffer> {
    const bytes = await this.#container.getBlockBlobClient(reference.blobName).downloadToBuffer();
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length !== reference.size || sha256 !== reference.sha256) {
      throw new HybridError('invalid-input', `claim-check blob ${reference.blobName} does not match its reference (size or sha256 differ)`);
    }
    return bytes;
  }
}
