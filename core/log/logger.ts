import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { redactString, redactValue } from './redact.js';

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Component name, shown on every line. */
  name?: string;
  level?: LevelWithSilent;
  /** Where lines go; standard output when absent. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

/** A structured JSON logger whose every line passes through secret redaction before it is written. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? ((process.env.LOG_LEVEL as LevelWithSilent | undefined) ?? 'info');
  return pino(
    {
      name: options.name,
      level,
      // Redaction runs on the merged object and on the message, so neither a field nor an interpolated
      // string can carry a secret out; pino's own path-based redact cannot see inside strings.
      formatters: { log: (object) => redactValue(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? redactString(arg) : arg));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      serializers: { err: (err: unknown) => redactValue(err) },
    },
    options.destination ?? pino.destination(1),
  );
}

export type { Logger } from 'pino';
