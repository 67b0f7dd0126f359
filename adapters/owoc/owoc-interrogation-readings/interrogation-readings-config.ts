import { secretField, z } from '../../../core/sdk/index.js';
import { readingTypeUnitsField } from '../shared/reading-units-config.js';

const MiB = 1024 * 1024;

/** Configuration of the owoc-interrogation-readings adapter (one entry in plugins.json). */
export const interrogationReadingsConfigSchema = z
  .object({
    host: z
      .string()
      .trim()
      .min(1)
      .default('127.0.0.1')
      .describe('Interface the DataArrived subscriber endpoint binds to. Loopback by default; set the OHS LAN address so a head-end on another machine can push. All interfaces only if written explicitly (0.0.0.0 or ::).'),
    port: z
      .number()
      .int()
      .min(0)
      .max(65_535)
      .default(8731)
      .describe('TCP port of the subscriber endpoint. 0 picks a free port; the bound URL is logged at start (register it with the head-end).'),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~\-/]*$/, 'path must start with "/" and hold only URL-safe characters')
      .default('/owoc/v1/DataSubscriberService')
      .describe('URL path of the subscriber endpoint; its WSDL is served at <path>?wsdl.'),
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(256 * MiB)
      .default(8 * MiB)
      .describe('Largest push accepted, in bytes; a larger one is refused with a SOAP Client fault (HTTP 413) before it is parsed.'),
    username: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe('User name of the WS-Security UsernameToken every push must carry (PasswordText or PasswordDigest). Set together with password; leave both out only on a trusted network.'),
    password: secretField('Password of the WS-Security UsernameToken every push must carry. Set together with username.').optional(),
    readingTypeUnits: readingTypeUnitsField,
    maxConcurrentPushes: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(8)
      .describe('Pushes processed at once; further ones are answered with a SOAP Server fault (HTTP 503) so the head-end retries later.'),
    requestTimeoutInMs: z
      .number()
      .int()
      .min(1_000)
      .max(600_000)
      .default(60_000)
      .describe('Longest time a head-end may take to send one push; slower senders are disconnected.'),
  })
  .superRefine((config, ctx) => {
    if ((config.username === undefined) !== (config.password === undefined)) {
      ctx.addIssue({ code: 'custom', path: [config.username === undefined ? 'username' : 'password'], message: 'username and password are set together, or neither' });
    }
  });

/** Validated configuration, defaults applied. */
export type InterrogationReadingsConfig = z.output<typeof interrogationReadingsConfigSchema>;
/** Configuration as written in plugins.json. */
export type InterrogationReadingsConfigInput = z.input<typeof interrogationReadingsConfigSchema>;

/** The URL a head-end pushes to for a config (before start, when the port is fixed). */
export function subscriberUrl(config: Pick<InterrogationReadingsConfig, 'host' | 'port' | 'path'>): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}${config.path}`;
}
