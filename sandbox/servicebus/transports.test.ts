import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startServiceBusEmulator } from './emulator.js';
import type { ServiceBusEmulator } from './emulator.js';
import { createSelfSignedCertificate } from './self-signed-certificate.js';
import type { TlsMaterial } from './transport-listeners.js';
import { WEBSOCKET_PATH } from './transport-listeners.js';
import { clientFor, rejectionOf } from './test-support.js';

const run = promisify(execFile);

describe('transports: TLS and secure WebSockets', () => {
  let emulator: ServiceBusEmulator;
  let tls: TlsMaterial;
  let certDir: string;

  beforeAll(async () => {
    tls = await createSelfSignedCertificate();
    certDir = await mkdtemp(join(tmpdir(), 'servicebus-tls-test-'));
    await writeFile(join(certDir, 'cert.pem'), tls.cert);
    emulator = await startServiceBusEmulator({ tls, webSockets: {}, entities: { queues: [{ name: 'tls' }, { name: 'ws' }] } });
  });
  afterAll(async () => {
    await emulator.close();
    await rm(certDir, { recursive: true, force: true });
  });

  it('serves the real client over TLS when it trusts the certificate (NODE_EXTRA_CA_CERTS in a child process)', async () => {
    const probe = fileURLToPath(new URL('./tls-client-probe.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', probe, emulator.tlsConnectionString!, 'tls'], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') },
      timeout: 30_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ ok: true, body: 'over tls' });

    // Without the CA the same client must fail: the certificate really is verified.
    const untrusted = await run(process.execPath, ['--import', 'tsx', probe, emulator.tlsConnectionString!, 'tls'], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '', NODE_TLS_REJECT_UNAUTHORIZED: '1' },
      timeout: 30_000,
    });
    expect(JSON.parse(untrusted.stdout.trim().split('\n').at(-1)!)).toMatchObject({ ok: false, code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('negotiates TLS 1.2 or later and refuses older protocol versions', async () => {
    const handshake = (options: { maxVersion: 'TLSv1.1' | 'TLSv1.2' }): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = tlsConnect({
          host: '127.0.0.1',
          port: emulator.tlsPort!,
          servername: 'localhost',
          ca: tls.cert,
          minVersion: 'TLSv1',
          maxVersion: options.maxVersion,
          // Let the client offer TLS 1.1 at all, so the refusal is the server's.
          ciphers: 'DEFAULT@SECLEVEL=0',
        });
        socket.once('secureConnect', () => {
          resolve(socket.getProtocol() ?? '');
          socket.destroy();
        });
        socket.once('error', reject);
      });
    expect(await handshake({ maxVersion: 'TLSv1.2' })).toBe('TLSv1.2');
    await expect(handshake({ maxVersion: 'TLSv1.1' })).rejects.toThrow();
  });

  it('serves AMQP over secure WebSockets with the AMQPWSB10 subprotocol', async () => {
    const client = clientFor(emulator.webSocketConnectionString!, {
      webSocketOptions: { webSocket: WebSocket, webSocketConstructorOptions: { ca: tls.cert } },
    });
    const sender = client.createSender('ws');
    await sender.sendMessages([{ body: 'over wss 1' }, { body: 'over wss 2' }]);
    const receiver = client.createReceiver('ws');
    const messages = await receiver.receiveMessages(2, { maxWaitTimeInMs: 5000 });
    expect(messages.map((m) => m.body)).toEqual(['over wss 1', 'over wss 2']);
    for (const message of messages) await receiver.completeMessage(message);
    await client.close();
  });

  it('rejects WebSocket upgrades without the AMQPWSB10 subprotocol', async () => {
    const socket = new WebSocket(`wss://localhost:${emulator.wsPort}${WEBSOCKET_PATH}`, ['something-else'], { ca: tls.cert });
    const error = await rejectionOf(
      new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      }),
    );
    expect(error.message).toMatch(/subprotocol/i);
  });
});
