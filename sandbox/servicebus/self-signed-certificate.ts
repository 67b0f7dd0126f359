import { generate } from 'selfsigned';
import type { TlsMaterial } from './transport-listeners.js';

/** A throwaway certificate valid for `localhost`, `127.0.0.1` and `::1` (for the sandbox and tests only). */
export async function createSelfSignedCertificate(hostName = 'localhost'): Promise<TlsMaterial> {
  const pems = await generate([{ name: 'commonName', value: hostName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 30 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: hostName },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
