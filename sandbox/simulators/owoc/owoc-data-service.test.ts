import { createClientAsync, WSSecurity } from 'soap';
import { afterEach, describe, expect, it } from 'vitest';
import { dataServiceWsdl } from '../../../adapters/owoc/shared/data-service-wsdl.js';
import { registerKwh } from './simulated-meter-reading.js';
import { simulatedReadFails, startOwocDataService, type OwocDataService } from './owoc-data-service.js';

const services: OwocDataService[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
});

async function clientFor(service: OwocDataService, credentials?: { username: string; password: string }) {
  const client = await createClientAsync(dataServiceWsdl(service.url), { endpoint: service.url, disableCache: true });
  if (credentials) client.setSecurity(new WSSecurity(credentials.username, credentials.password, { passwordType: 'PasswordText', hasTimeStamp: false }));
  return client as unknown as Record<string, (args: unknown) => Promise<[Record<string, any>]>>;
}

describe('OWOC DataService simulator', () => {
  it('binds loopback, answers a token at once, InProgress until the latency passed', async () => {
    const service = await startOwocDataService({ latencyInMs: 600_000 });
    services.push(service);
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/owoc\/v1\/DataService$/);
    const client = await clientFor(service);
    const [started] = await client.InteractiveReadAsync!({ request: { ElectronicSerialNumbers: { ElectronicSerialNumber: ['M-1'] } } });
    expect(started.InteractiveReadResult).toEqual({ RequestToken: expect.any(String), State: 'Initialized' });
    const [status] = await client.GetInteractiveReadResultAsync!({ requestToken: started.InteractiveReadResult.RequestToken });
    expect(status.GetInteractiveReadResultResult).toEqual({ RequestToken: started.InteractiveReadResult.RequestToken, State: 'InProgress' });
  });

  it('completes with one result per meter, failing the configured fraction deterministically', async () => {
    const service = await startOwocDataService({ failureRate: 0.5, now: () => new Date('2024-03-15T06:07:30Z') });
    services.push(service);
    const client = await clientFor(service);
    const meters = Array.from({ length: 10 }, (_, i) => `S-${i}`);
    const [started] = await client.InteractiveReadAsync!({ request: { ElectronicSerialNumbers: { ElectronicSerialNumber: meters } } });
    const [status] = await client.GetInteractiveReadResultAsync!({ requestToken: started.InteractiveReadResult.RequestToken });
    const result = status.GetInteractiveReadResultResult;
    const failing = meters.filter((m) => simulatedReadFails(m, 0.5));
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.length).toBeLessThan(meters.length);
    expect(result.State).toBe('CompletedWithErrors');
    expect(result.MeterResults.MeterResult.map((r: { ElectronicSerialNumber: string; Status: string }) => [r.ElectronicSerialNumber, r.Status])).toEqual(
      meters.map((m) => [m, failing.includes(m) ? 'Failed' : 'Succeeded']),
    );
    const ok = result.MeterResults.MeterResult.find((r: { Status: string }) => r.Status === 'Succeeded');
    expect(ok.MeterReading.Reading[0].attributes).toMatchObject({ readingType: registerKwh, time: '2024-03-15T06:07:30Z' });
  });

  it('answers SOAP faults for FAULT meters, unknown tokens and missing credentials', async () => {
    const service = await startOwocDataService({ credentials: { username: 'u', password: 'p' } });
    services.push(service);
    const anonymous = await clientFor(service);
    await expect(anonymous.InteractiveReadAsync!({ request: { ElectronicSerialNumbers: { ElectronicSerialNumber: ['M-1'] } } })).rejects.toThrow(/authentication failed/);
    const client = await clientFor(service, { username: 'u', password: 'p' });
    await expect(client.InteractiveReadAsync!({ request: { ElectronicSerialNumbers: { ElectronicSerialNumber: ['FAULT-1'] } } })).rejects.toThrow(/soap:Server: meter FAULT-1 cannot be read/);
    await expect(client.GetInteractiveReadResultAsync!({ requestToken: 'nope' })).rejects.toThrow(/soap:Client: unknown request token nope/);
    expect(service.stats.faults).toBe(3);
  });
});
