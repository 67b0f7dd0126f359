import { secretField, z } from '../../../core/sdk/index.js';
import { readingTypeUnitsField } from '../shared/reading-units-config.js';

const MiB = 1024 * 1024;

/** Configuration of the owoc-interactive-reads adapter (one entry in plugins.json). */
export const interactiveReadsConfigSchema = z
  .object({
    endpoint: z
      .string()
      .url()
      .refine((value) => /^https?:\/\//i.test(value), 'endpoint must be an http or https URL')
      .refine((value) => {
        try {
          const url = new URL(value);
          return url.username === '' && url.password === '';
        } catch {
          return false;
        }
      }, 'endpoint must not carry credentials; use username and password')
      .describe('URL of the head-end DataService (SOAP 1.1, WCF basicHttpBinding), e.g. https://owoc.utility.local/owoc/v1/DataService. The WSDL is built in; it is not fetched.'),
    username: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe('User name of the WS-Security UsernameToken sent with every call. Set together with password.'),
    password: secretField('Password of the WS-Security UsernameToken sent with every call. Set together with username.').optional(),
    passwordType: z
      .enum(['PasswordText', 'PasswordDigest'])
      .default('PasswordText')
      .describe('How the UsernameToken carries the password: PasswordText (use https) or PasswordDigest (SHA-1 digest with nonce and creation time).'),
    pollIntervalInMs: z
      .number()
      .int()
      .min(10)
      .max(60_000)
      .default(1_000)
      .describe('Wait between GetInteractiveReadResult polls while the head-end reads the meters.'),
    callTimeoutInMs: z
      .number()
      .int()
      .min(100)
      .max(300_000)
      .default(30_000)
      .describe('Longest wait for one SOAP call; the request deadline, when sooner, wins.'),
    maxResponseBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .max(256 * MiB)
      .default(32 * MiB)
      .describe('Largest head-end answer accepted, in bytes.'),
    readingTypeUnits: readingTypeUnitsField,
  })
  .superRefine((config, ctx) => {
    if ((config.username === undefined) !== (config.password === undefined)) {
      ctx.addIssue({ code: 'custom', path: [config.username === undefined ? 'username' : 'password'], message: 'username and password are set together, or neither' });
    }
  });

/** Validated configuration, defaults applied. */
export type InteractiveReadsConfig = z.output<typeof interactiveReadsConfigSchema>;
/** Configuration as written in plugins.json. */
export type InteractiveReadsConfigInput = z.input<typeof interactiveReadsConfigSchema>;
