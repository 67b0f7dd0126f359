import type { z } from 'zod';
import { GatewayError } from './gateway-error.js';

/** Parse `input` with `schema` or throw a 400 that names the first offending field in plain words. */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, where: 'body' | 'query' | 'params'): T {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
  const message = missing ? 'is required' : issue.message;
  const label = field ? `${where} field '${field}'` : where;
  throw new GatewayError('invalid_request', `${label}: ${message}`, field || where);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
