import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AdapterBase } from './lifecycle.js';
import { defineAdapter, matchesFilePattern } from './manifest.js';
import { isHybridError } from './errors.js';
import { secretField, describeConfigFields } from './config.js';

class Impl extends AdapterBase {
  protected async onStart(): Promise<void> {}
  protected async onStop(): Promise<void> {}
  async validate(): Promise<never> {
    throw new Error('unused');
  }
}

const good = {
  id: 'weather-like',
  dataSource: 'Weather CSV Files',
  description: 'd',
  method: 'file-transfer' as const,
  files: { folder: 'weather', patterns: ['*.csv'], direction: 'upload' as const, description: 'csv' },
  configSchema: z.object({ a: z.string().default('x').describe('A') }),
  stability: 'beta' as const,
  implementation: Impl,
};

function problems(manifest: unknown): string[] {
  try {
    defineAdapter(manifest as typeof good);
    return [];
  } catch (error) {
    expect(isHybridError(error, 'invalid-manifest')).toBe(true);
    return (error as { details: { problems: string[] } }).details.problems;
  }
}

describe('defineAdapter', () => {
  it('accepts a well-formed manifest and freezes it', () => {
    const manifest = defineAdapter(good);
    expect(Object.isFrozen(manifest)).toBe(true);
  });

  it('reports every problem at once', () => {
    const found = problems({ ...good, id: 'Weather_CSV', stability: 'gold', configSchema: z.object({ a: z.string() }), files: { folder: 'weather', patterns: [], direction: 'upload' } });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringContaining('kebab-case'),
        expect.stringContaining('stability'),
        expect.stringContaining('config field "a" needs a description'),
        expect.stringContaining('files.patterns'),
      ]),
    );
  });

  it('refuses a seed data source declared with the wrong method', () => {
    expect(problems({ ...good, method: 'data-feed', feeds: [{ name: 'x', description: 'x', recordKinds: ['reading'] }] })).toEqual([
      '"Weather CSV Files" is a file-transfer data source, not data-feed',
    ]);
  });

  it('requires method-specific declarations', () => {
    expect(problems({ ...good, method: 'request-response', dataSource: 'Custom', operations: [] })).toEqual(['a request-response adapter must declare at least one operation']);
    expect(problems({ ...good, dataSource: 'Custom', files: { folder: '../etc', patterns: ['a/*.csv'], direction: 'up' } })).toHaveLength(3);
  });
});

describe('config fields', () => {
  it('sees descriptions, secrets and defaults through wrappers', () => {
    const fields = describeConfigFields(z.object({ key: secretField('Key').optional(), n: z.number().describe('N').default(4), plain: z.string().describe('P') }));
    expect(fields).toEqual([
      { key: 'key', description: 'Key', secret: true, optional: true, hasDefault: false, defaultValue: undefined },
      { key: 'n', description: 'N', secret: false, optional: true, hasDefault: true, defaultValue: 4 },
      { key: 'plain', description: 'P', secret: false, optional: false, hasDefault: false, defaultValue: undefined },
    ]);
  });
});

describe('matchesFilePattern', () => {
  it('matches * and ? case-insensitively and nothing else', () => {
    expect(matchesFilePattern('Weather_2024.CSV', ['*.csv'])).toBe(true);
    expect(matchesFilePattern('a.csv.tmp', ['*.csv'])).toBe(false);
    expect(matchesFilePattern('ab.txt', ['a?.txt'])).toBe(true);
    expect(matchesFilePattern('a(1).txt', ['a(1).txt'])).toBe(true);
  });
});
