/** Deterministic pseudo-random numbers from a meter id, so simulated data is repeatable. */
export function meterHash(meterId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < meterId.length; i += 1) {
    hash ^= meterId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A fake ESN-format meter id (obviously not a real serial). */
export function simulatedMeterId(index: number): string {
  return `2.16.840.1.114416.14.9${String(index).padStart(8, '0')}`;
}

/** Round to a number of decimals, so values print the same everywhere. */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
