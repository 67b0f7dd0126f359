import { readdirSync, statSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInAdapters } from '../../adapters/index.js';
import { contractTable } from './contract-table.js';

const adaptersDir = fileURLToPath(new URL('../../adapters/', import.meta.url));

/** Adapter folders on disk: adapters/<family>/<id>/ with an index.ts. */
function adapterFolders(): string[] {
  const folders: string[] = [];
  for (const family of readdirSync(adaptersDir)) {
    const familyDir = join(adaptersDir, family);
    if (!statSync(familyDir).isDirectory()) continue;
    for (const id of readdirSync(familyDir)) {
      if (existsSync(join(familyDir, id, 'index.ts'))) folders.push(`${family}/${id}`);
    }
  }
  return folders.sort();
}

describe('contract table guard', () => {
  it('lists every adapter folder in the contract table', () => {
    expect(contractTable.map((row) => row.folder).sort()).toEqual(adapterFolders());
  });
  it('registers every adapter folder in adapters/index.ts', () => {
    expect(builtInAdapters.map((m) => m.id).sort()).toEqual(contractTable.map((row) => row.manifest.id).sort());
  });
  it('names each folder after its adapter id', () => {
    for (const row of contractTable) expect(row.folder.split('/')[1]).toBe(row.manifest.id);
  });
});
