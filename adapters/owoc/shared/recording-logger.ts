import type { AdapterLogger } from '../../../core/sdk/index.js';

/** One line a {@link recordingLogger} received. */
export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: object | string;
  message: string | undefined;
}

/** An AdapterLogger that keeps what it is told, for tests (e.g. to check no secret is logged). */
export function recordingLogger(lines: LoggedLine[] = []): AdapterLogger & { lines: LoggedLine[] } {
  const line = (level: LoggedLine['level']) => (fields: object | string, message?: string) => void lines.push({ level, fields, message });
  const logger: AdapterLogger & { lines: LoggedLine[] } = {
    lines,
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: () => logger,
  };
  return logger;
}
