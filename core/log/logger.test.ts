import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { clearRegisteredSecrets, registerSecret } from './redact.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, destination, text: () => lines.join('\n') };
}

describe('createLogger', () => {
  afterEach(() => clearRegisteredSecrets());

  it('masks secret-named fields at any depth', () => {
    const out = capture();
    const log = createLogger({ destination: out.destination });
    log.info({ tenant: 't1', config: { clientSecret: 'hunter2-very-secret', nested: { password: 'p@ss-word-1' } } }, 'loaded');
    expect(out.text()).not.toContain('hunter2-very-secret');
    expect(out.text()).not.toContain('p@ss-word-1');
    const line = JSON.parse(out.lines[0]!);
    expect(line.tenant).toBe('t1');
    expect(line.config.clientSecret).toBe('[REDACTED]');
  });

  it('scrubs credential shapes inside messages and error texts', () => {
    const out = capture();
    const log = createLogger({ destination: out.destination });
    const sas = 'SharedAccessSignature sr=sb%3A%2F%2Fx&sig=abcDEF123%2B%3D&se=1700000000&skn=root';
    log.warn(`token was ${sas}`);
    log.error({ err: new Error('connect failed: Endpoint=sb://h/;SharedAccessKeyName=root;SharedAccessKey=KEYVALUE123=') }, 'boom');
    log.info('auth header Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMifQ.c2lnbmF0dXJlLXZhbHVl');
    const text = out.text();
    expect(text).not.toContain('abcDEF123');
    expect(text).not.toContain('KEYVALUE123');
    expect(text).not.toContain('eyJzdWIiOiJhYmMifQ');
    expect(text).toContain('connect failed');
  });

  it('masks registered secret values wherever they appear', () => {
    const out = capture();
    const log = createLogger({ destination: out.destination });
    registerSecret('plain-looking-value-42');
    log.info({ note: 'user typed plain-looking-value-42 into a field' }, 'value plain-looking-value-42 seen');
    expect(out.text()).not.toContain('plain-looking-value-42');
    expect(out.lines).toHaveLength(1);
  });
});
