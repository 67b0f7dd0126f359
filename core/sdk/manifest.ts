import { z } from 'zod';
import { describeConfigFields, type ConfigSchema } from './config.js';
import type { DataFeedAdapter, FeedDeclaration } from './data-feed.js';
import { seedDataSources } from './data-sources.js';
import { HybridError } from './errors.js';
import type { FileDeclaration, FileTransferAdapter } from './file-transfer.js';
import { adapterMethods, type AdapterMethod } from './method.js';
import type { OperationDeclaration, RequestResponseAdapter } from './request-response.js';

/** Maturity of an adapter, shown by `ohs adapters`. */
export type AdapterStability = 'experimental' | 'beta' | 'stable';

/**
 * A class the tenant container constructs. Every constructor parameter must be injected with an
 * explicit `@inject(token)` (tokens from `AdapterTokens`), the class decorated `@injectable()`.
 */
export type AdapterClass<T> = new (...args: never[]) => T;

interface ManifestCommon<TSchema extends ConfigSchema> {
  /** Kebab-case id, unique across adapters; the key used in plugins.json. */
  id: string;
  /** The data-source type served, as the seed table writes it (e.g. "Weather CSV Files"). */
  dataSource: string;
  /** One paragraph for operators: what head-end and protocol this talks to. */
  description: string;
  /** Adapter configuration; every field documented, secret fields made with `secretField`. */
  configSchema: TSchema;
  stability: AdapterStability;
}

/** Manifest of a data-feed adapter. */
export interface DataFeedManifest<TSchema extends ConfigSchema = ConfigSchema> extends ManifestCommon<TSchema> {
  method: 'data-feed';
  feeds: readonly FeedDeclaration[];
  implementation: AdapterClass<DataFeedAdapter>;
}

/** Manifest of a request-response adapter. */
export interface RequestResponseManifest<TSchema extends ConfigSchema = ConfigSchema> extends ManifestCommon<TSchema> {
  method: 'request-response';
  operations: readonly OperationDeclaration[];
  implementation: AdapterClass<RequestResponseAdapter>;
}

/** Manifest of a file-transfer adapter. */
export interface FileTransferManifest<TSchema extends ConfigSchema = ConfigSchema> extends ManifestCommon<TSchema> {
  method: 'file-transfer';
  files: FileDeclaration;
  implementation: AdapterClass<FileTransferAdapter>;
}

/** Any adapter manifest; `method` discriminates. */
export type AdapterManifest<TSchema extends ConfigSchema = ConfigSchema> =
  | DataFeedManifest<TSchema>
  | RequestResponseManifest<TSchema>
  | FileTransferManifest<TSchema>;

const kebab = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function problemsOf(manifest: AdapterManifest): string[] {
  const problems: string[] = [];
  const m = manifest as Partial<AdapterManifest> & Record<string, unknown>;
  if (typeof m.id !== 'string' || !kebab.test(m.id)) problems.push(`id must be kebab-case (got ${JSON.stringify(m.id)})`);
  if (typeof m.dataSource !== 'string' || m.dataSource.trim() === '') problems.push('dataSource must name the data-source type');
  if (typeof m.description !== 'string' || m.description.trim() === '') problems.push('description is required');
  if (!adapterMethods.includes(m.method as AdapterMethod)) {
    problems.push(`method must be one of ${adapterMethods.join(', ')} (got ${JSON.stringify(m.method)})`);
  } else if (typeof m.dataSource === 'string' && seedDataSources.has(m.dataSource) && seedDataSources.get(m.dataSource) !== m.method) {
    problems.push(`"${m.dataSource}" is a ${seedDataSources.get(m.dataSource)} data source, not ${String(m.method)}`);
  }
  if (!['experimental', 'beta', 'stable'].includes(m.stability as string)) problems.push('stability must be experimental, beta or stable');
  if (typeof m.implementation !== 'function') problems.push('implementation must be a class');
  if (!(m.configSchema instanceof z.ZodObject)) {
    problems.push('configSchema must be a zod object schema');
  } else {
    for (const field of describeConfigFields(m.configSchema)) {
      if (!field.description) problems.push(`config field "${field.key}" needs a description (.describe(...) or secretField(...))`);
    }
  }
  switch (m.method) {
    case 'data-feed': {
      const feeds = (m as Partial<DataFeedManifest>).feeds;
      if (!Array.isArray(feeds) || feeds.length === 0) problems.push('a data-feed adapter must declare at least one feed');
      else {
        const seen = new Set<string>();
        for (const feed of feeds) {
          if (!kebab.test(feed.name)) problems.push(`feed name must be kebab-case (got ${JSON.stringify(feed.name)})`);
          if (seen.has(feed.name)) problems.push(`feed "${feed.name}" is declared twice`);
          seen.add(feed.name);
          if (!feed.recordKinds?.length) problems.push(`feed "${feed.name}" must list its record kinds`);
        }
      }
      break;
    }
    case 'request-response': {
      const operations = (m as Partial<RequestResponseManifest>).operations;
      if (!Array.isArray(operations) || operations.length === 0) problems.push('a request-response adapter must declare at least one operation');
      else {
        const seen = new Set<string>();
        for (const op of operations) {
          if (!kebab.test(op.name)) problems.push(`operation name must be kebab-case (got ${JSON.stringify(op.name)})`);
          if (seen.has(op.name)) problems.push(`operation "${op.name}" is declared twice`);
          seen.add(op.name);
          if (!(op.request instanceof z.ZodType) || !(op.result instanceof z.ZodType)) problems.push(`operation "${op.name}" needs request and result schemas`);
          if (!(op.defaultTimeoutInMs > 0)) problems.push(`operation "${op.name}" needs a positive defaultTimeoutInMs`);
        }
      }
      break;
    }
    case 'file-transfer': {
      const files = (m as Partial<FileTransferManifest>).files;
      if (files === undefined) problems.push('a file-transfer adapter must declare its files (folder, patterns, direction)');
      else {
        if (!kebab.test(files.folder)) problems.push(`files.folder must be a kebab-case folder name (got ${JSON.stringify(files.folder)})`);
        if (!Array.isArray(files.patterns) || files.patterns.length === 0) problems.push('files.patterns must list at least one pattern');
        else if (files.patterns.some((p) => p.includes('/') || p.includes('\\'))) problems.push('files.patterns are file-name patterns and may not contain path separators');
        if (!['upload', 'download', 'both'].includes(files.direction)) problems.push('files.direction must be upload, download or both');
      }
      break;
    }
  }
  return problems;
}

/**
 * Declare an adapter. Validates the manifest now, at definition time, and throws an
 * `invalid-manifest` HybridError listing every problem, so a broken adapter never reaches a tenant.
 * The returned manifest is frozen.
 */
export function defineAdapter<TSchema extends ConfigSchema, M extends AdapterManifest<TSchema>>(manifest: M): Readonly<M> {
  const problems = problemsOf(manifest as AdapterManifest);
  if (problems.length > 0) {
    const name = typeof manifest?.id === 'string' ? `adapter "${manifest.id}"` : 'adapter';
    throw new HybridError('invalid-manifest', `${name} is not valid:\n  - ${problems.join('\n  - ')}`, { details: { problems } });
  }
  return Object.freeze(manifest);
}

/** Name-pattern matcher for `files.patterns` (`*` and `?`, case-insensitive). */
export function matchesFilePattern(fileName: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    return regex.test(fileName);
  });
}
