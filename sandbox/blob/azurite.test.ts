import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteBlob } from './index.js';

describe('startAzurite', () => {
  let azurite: AzuriteBlob;
  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(async () => {
    await azurite?.close();
  });

  it('serves blobs on a loopback port through the returned connection string', async () => {
    expect(azurite.blobEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const container = service.getContainerClient('sandbox-check');
    await container.createIfNotExists();
    await container.getBlockBlobClient('hello.txt').upload('hello', 5);
    const body = await container.getBlobClient('hello.txt').downloadToBuffer();
    expect(body.toString()).toBe('hello');
  });

  it('runs two instances side by side and close is idempotent', async () => {
    const second = await startAzurite();
    expect(second.blobEndpoint).not.toBe(azurite.blobEndpoint);
    await second.close();
    await second.close();
  });
});
