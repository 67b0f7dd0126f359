/**
 * Child-process helper for transports.test.ts: the Service Bus client has no option for a custom CA, so the TLS
 * test runs this script with NODE_EXTRA_CA_CERTS set (Node reads it only at start-up).
 * Usage: node --import tsx tls-client-probe.ts <connection string> <queue>; prints a JSON line with the result.
 */
import { ServiceBusClient } from '@azure/service-bus';

const [connectionString, queue] = process.argv.slice(2);
if (!connectionString || !queue) throw new Error('usage: tls-client-probe <connection string> <queue>');
const client = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 10_000 } });
try {
  await client.createSender(queue).sendMessages({ body: 'over tls' });
  const [message] = await client.createReceiver(queue, { receiveMode: 'receiveAndDelete' }).receiveMessages(1, { maxWaitTimeInMs: 5000 });
  console.log(JSON.stringify({ ok: true, body: message?.body }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, code: (error as { code?: string }).code, message: (error as Error).message }));
} finally {
  await client.close();
}
