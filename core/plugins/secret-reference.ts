import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** Where a secret is kept: an environment variable or a file. The only forms plugins.json accepts. */
export type SecretReference = { kind: 'env'; name: string } | { kind: 'file'; path: string };

const REFERENCE = /^(env|file):(.+)$/;

/** Pattern of a secret reference, also used in the generated JSON Schema. */
export const secretReferencePattern = '^(env|file):.+$';

/** Parse `env:NAME` / `file:PATH`; undefined when the value is not a reference (i.e. an inline secret). */
export function parseSecretReference(value: unknown): SecretReference | undefined {
  if (typeof value !== 'string') return undefined;
  const match = REFERENCE.exec(value.trim());
  if (match === null) return undefined;
  const [, kind, target] = match as unknown as [string, 'env' | 'file', string];
  return kind === 'env' ? { kind, name: target } : { kind, path: target };
}

/** What secret resolution may read; injectable so tests need not touch the real environment. */
export interface SecretSources {
  env: Readonly<Record<string, string | undefined>>;
  /** Folder that relative `file:` paths are taken from (the folder of plugins.json). */
  baseDir: string;
}

/** Resolve a reference to its value, or return a problem message (which never contains the secret). */
export function resolveSecretReference(reference: SecretReference, sources: SecretSources): { value: string } | { problem: string } {
  if (reference.kind === 'env') {
    const value = sources.env[reference.name];
    if (value === undefined || value === '') return { problem: `environment variable ${reference.name} is not set` };
    return { value };
  }
  const path = isAbsolute(reference.path) ? reference.path : resolve(sources.baseDir, reference.path);
  try {
    const value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    if (value === '') return { problem: `secret file ${path} is empty` };
    return { value };
  } catch (error) {
    return { problem: `secret file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}
