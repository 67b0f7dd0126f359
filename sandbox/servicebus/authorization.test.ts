import { AzureSASCredential } from '@azure/core-auth';
import type { ServiceBusClient } from '@azure/service-bus';
import { ServiceBusClient as Client } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEFAULT_ACCESS_RULE, startServiceBusEmulator } from './emulator.js';
import type { ServiceBusEmulator } from './emulator.js';
import { createSasToken } from './sas-token.js';
import { createSelfSignedCertificate } from './self-signed-certificate.js';
import type { TlsMaterial } from './transport-listeners.js';
import { clientFor, codeOf, FAST_RETRIES, rejectionOf, waitFor } from './test-support.js';

describe('CBS put-token with SAS verification', () => {
  let emulator: ServiceBusEmulator;
  let tls: TlsMaterial;
  const clients: ServiceBusClient[] = [];

  beforeAll(async () => {
    tls = await createSelfSignedCertificate();
    emulator = await startServiceBusEmulator({
      accessRules: [
        DEFAULT_ACCESS_RULE,
        { keyName: 'listen-only', primaryKey: 'listen-secret', rights: ['Listen'] },
        { keyName: 'send-only', primaryKey: 'send-secret', rights: ['Send'] },
        { keyName: 'rotating', primaryKey: 'old-secret', secondaryKey: 'new-secret', rights: ['Send', 'Listen'] },
      ],
      entities: {
        queues: [
          { name: 'secure' },
          { name: 'secure-2' },
          { name: 'scoped', accessRules: [{ keyName: 'scoped-key', primaryKey: 'scoped-secret', rights: ['Send', 'Listen'] }] },
        ],
      },
      webSockets: tls,
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await emulator.close();
  });

  function client(connectionString: string): ServiceBusClient {
    const created = clientFor(connectionString);
    clients.push(created);
    return created;
  }

  async function sendError(connectionString: string, queue = 'secure'): Promise<Error & { code?: string }> {
    const sender = client(connectionString).createSender(queue);
    const error = await rejectionOf(sender.sendMessages({ body: 'x' }));
    await sender.close();
    return error;
  }

  function token(path: string, keyName = DEFAULT_ACCESS_RULE.keyName, key = DEFAULT_ACCESS_RULE.primaryKey, expiresAt?: Date): string {
    return createSasToken(`${emulator.endpointFor()}/${path}`, keyName, key, expiresAt ? { expiresAt } : {});
  }

  it('accepts the right key and refuses a wrong key with UnauthorizedAccess', async () => {
    const ok = client(emulator.connectionStringFor({ keyName: DEFAULT_ACCESS_RULE.keyName, key: DEFAULT_ACCESS_RULE.primaryKey })).createSender('secure');
    await ok.sendMessages({ body: 'fine' });
    const error = await sendError(emulator.connectionStringFor({ key: 'not-the-key' }));
    expect(codeOf(error)).toBe('UnauthorizedAccess');
    expect(error.message).toMatch(/invalid signature/);
  });

  it('refuses an unknown key name', async () => {
    const error = await sendError(emulator.connectionStringFor({ keyName: 'nobody', key: 'whatever' }));
    expect(codeOf(error)).toBe('UnauthorizedAccess');
    expect(error.message).toMatch(/no shared access rule named 'nobody'/);
  });

  it('refuses a tampered signature', async () => {
    const good = token('secure');
    const tampered = good.replace(/sig=([^&])/, (_match, first: string) => `sig=${first === 'A' ? 'B' : 'A'}`);
    expect(tampered).not.toBe(good);
    const error = await sendError(emulator.connectionStringFor({ sharedAccessSignature: tampered }));
    expect(codeOf(error)).toBe('UnauthorizedAccess');
    expect(error.message).toMatch(/invalid signature/);
    const sender = client(emulator.connectionStringFor({ sharedAccessSignature: good })).createSender('secure');
    await sender.sendMessages({ body: 'signed properly' });
  });

  it('refuses an expired token', async () => {
    const expired = token('secure', undefined, undefined, new Date(Date.now() - 60_000));
    const error = await sendError(emulator.connectionStringFor({ sharedAccessSignature: expired }));
    expect(codeOf(error)).toBe('UnauthorizedAccess');
    expect(error.message).toMatch(/ExpiredToken/);
  });

  it("refuses a token whose audience is another entity (segment-wise: 'secure' does not cover 'secure-2')", async () => {
    const forOther = await sendError(emulator.connectionStringFor({ sharedAccessSignature: token('secure-2') }), 'secure');
    expect(codeOf(forOther)).toBe('UnauthorizedAccess');
    expect(forOther.message).toMatch(/InvalidAudience/);
    const prefixOnly = await sendError(emulator.connectionStringFor({ sharedAccessSignature: token('secure') }), 'secure-2');
    expect(codeOf(prefixOnly)).toBe('UnauthorizedAccess');
  });

  it('accepts a namespace-wide token for every entity', async () => {
    const namespaceClient = client(emulator.connectionStringFor({ sharedAccessSignature: token('') }));
    for (const queue of ['secure', 'secure-2']) {
      const sender = namespaceClient.createSender(queue);
      await sender.sendMessages({ body: queue });
      await sender.close();
    }
  });

  it('enforces rights: a Listen-only key cannot send, a Send-only key cannot receive', async () => {
    const listenOnly = emulator.connectionStringFor({ keyName: 'listen-only', key: 'listen-secret' });
    const sendFailure = await sendError(listenOnly);
    expect(codeOf(sendFailure)).toBe('UnauthorizedAccess');
    expect(sendFailure.message).toMatch(/'Send' claim\(s\) are required/);
    const peeker = client(listenOnly).createReceiver('secure');
    expect((await peeker.peekMessages(1)).length).toBe(1);

    const receiver = client(emulator.connectionStringFor({ keyName: 'send-only', key: 'send-secret' })).createReceiver('secure');
    const receiveFailure = await rejectionOf(receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 }));
    expect(codeOf(receiveFailure)).toBe('UnauthorizedAccess');
    expect(receiveFailure.message).toMatch(/'Listen' claim\(s\) are required/);
  });

  it('scopes entity-level keys to their entity and accepts secondary keys', async () => {
    const scoped = emulator.connectionStringFor({ keyName: 'scoped-key', key: 'scoped-secret' });
    const sender = client(scoped).createSender('scoped');
    await sender.sendMessages({ body: 'in scope' });
    expect(codeOf(await sendError(scoped, 'secure'))).toBe('UnauthorizedAccess');

    const secondary = client(emulator.connectionStringFor({ keyName: 'rotating', key: 'new-secret' })).createSender('secure');
    await secondary.sendMessages({ body: 'rotated key' });
  });

  it('ends links when their token expires, and resumes once the credential is refreshed', async () => {
    // AzureSASCredential needs the (non-emulator) TLS transport; WebSockets let the test pass the CA in-process.
    const shortLived = (seconds: number): string =>
      createSasToken(`${emulator.endpointFor('websocket')}/`, DEFAULT_ACCESS_RULE.keyName, DEFAULT_ACCESS_RULE.primaryKey, {
        expiresAt: new Date(Date.now() + seconds * 1000),
      });
    const credential = new AzureSASCredential(shortLived(2));
    const wsClient = new Client(`localhost:${emulator.wsPort}`, credential, {
      webSocketOptions: { webSocket: WebSocket, webSocketConstructorOptions: { ca: tls.cert } },
      retryOptions: { ...FAST_RETRIES, retryDelayInMs: 200 },
    });
    clients.push(wsClient);
    const sender = client(emulator.connectionString).createSender('secure-2');
    const receiver = wsClient.createReceiver('secure-2', { receiveMode: 'receiveAndDelete' });
    const bodies: unknown[] = [];
    const errors: string[] = [];
    const subscription = receiver.subscribe({
      processMessage: async (message) => {
        bodies.push(message.body);
      },
      processError: async (args) => {
        errors.push(codeOf(args.error) ?? args.error.message);
      },
    });
    await sender.sendMessages({ body: 'before expiry' });
    await waitFor(() => bodies.includes('before expiry'), 'the first message');

    await waitFor(() => errors.includes('UnauthorizedAccess'), 'the link to be ended by token expiry');
    credential.update(shortLived(3600));
    await sender.sendMessages({ body: 'after refresh' });
    await waitFor(() => bodies.includes('after refresh'), 'delivery after the credential was refreshed');
    await subscription.close();
  });
});
