import { describe, expect, it } from 'vitest';
import { boundedMetadata } from './file-uploader.js';

describe('boundedMetadata', () => {
  it('cuts long lists and records their full length, leaving the rest alone', () => {
    const meters = Array.from({ length: 2500 }, (_, i) => `M${i}`);
    const out = boundedMetadata({ meters, units: ['KWH'], format: 'cmep', readings: 9 });
    expect(out.meters).toHaveLength(1000);
    expect(out.metersTotal).toBe(2500);
    expect(out).toMatchObject({ units: ['KWH'], format: 'cmep', readings: 9 });
    expect(out.unitsTotal).toBeUndefined();
  });
});
