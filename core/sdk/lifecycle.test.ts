import { describe, expect, it } from 'vitest';
import { AdapterBase } from './lifecycle.js';
import { isHybridError } from './errors.js';
import type { AdapterContext } from './context.js';

class Counting extends AdapterBase {
  starts = 0;
  stops = 0;
  failStart = false;
  protected async onStart(): Promise<void> {
    this.starts += 1;
    await new Promise((r) => setTimeout(r, 5));
    if (this.failStart) throw new Error('head-end down');
  }
  protected async onStop(): Promise<void> {
    this.stops += 1;
  }
  work(): string {
    this.assertRunning();
    return 'done';
  }
}

const ctx = { tenantId: 't', log: console as never, signal: new AbortController().signal } as AdapterContext;

describe('AdapterBase', () => {
  it('shares one start between concurrent callers and one stop between concurrent stops', async () => {
    const a = new Counting();
    await Promise.all([a.start(ctx), a.start(ctx), a.start(ctx)]);
    expect(a.starts).toBe(1);
    expect(a.work()).toBe('done');
    await Promise.all([a.stop(), a.stop()]);
    await a.stop();
    expect(a.stops).toBe(1);
    expect(a.state).toBe('stopped');
  });

  it('rejects work before start and after stop with distinct codes', async () => {
    const a = new Counting();
    expect(() => a.work()).toThrow(expect.objectContaining({ code: 'adapter-not-started' }));
    await a.start(ctx);
    await a.stop();
    expect(() => a.work()).toThrow(expect.objectContaining({ code: 'adapter-stopped' }));
    await expect(a.start(ctx)).rejects.toSatisfy((e: unknown) => isHybridError(e, 'adapter-stopped'));
  });

  it('ends stopped when start fails, and a stop during start waits for it', async () => {
    const a = new Counting();
    a.failStart = true;
    await expect(a.start(ctx)).rejects.toThrow('head-end down');
    expect(a.state).toBe('stopped');
    const b = new Counting();
    const starting = b.start(ctx);
    await b.stop();
    await starting;
    expect(b.state).toBe('stopped');
    expect(b.stops).toBe(1);
  });
});
