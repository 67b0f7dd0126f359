import type { z } from 'zod';
import { registerSecret } from '../log/redact.js';
import { HybridError, secretKeys } from '../sdk/index.js';
import type { AdapterRegistry } from './adapter-registry.js';
import { formatProblem, type PluginProblem } from './plugin-problem.js';
import { pluginsFileSchema, type LoadedAdapter, type LoadedPlugins, type LoadedTenant } from './plugins-file.js';
import { parseSecretReference, resolveSecretReference, type SecretSources } from './secret-reference.js';

/** Result of validating plugins.json: either every problem, or the frozen configuration. */
export type PluginsValidation = { ok: true; plugins: LoadedPlugins } | { ok: false; problems: PluginProblem[] };

function joinPath(base: string, issuePath: ReadonlyArray<PropertyKey>): string {
  return [base, ...issuePath.map(String)].filter((part) => part !== '').join('.');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/**
 * Validate a parsed plugins.json against the known adapters in one pass, collecting every problem
 * (structure, unknown adapter ids, inline secrets, unresolvable references, config fields) instead of
 * stopping at the first. Secrets are resolved only for enabled adapters; problem messages never
 * contain a secret value.
 */
export function validatePlugins(raw: unknown, registry: AdapterRegistry, sources: SecretSources): PluginsValidation {
  const problems: PluginProblem[] = [];
  const parsed = pluginsFileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, tenant, third, adapter] = issue.path.map(String);
      problems.push({
        tenant: first === 'tenants' ? tenant : undefined,
        adapter: first === 'tenants' && third === 'adapters' ? adapter : undefined,
        path: joinPath('', issue.path),
        // zod wraps record-key failures; the inner issue carries the readable reason.
        message: issue.code === 'invalid_key' && issue.issues[0] !== undefined ? `invalid key: ${issue.issues[0].message}` : issue.message,
      });
    }
    return { ok: false, problems };
  }

  const tenants: LoadedTenant[] = [];
  for (const [tenantId, tenant] of Object.entries(parsed.data.tenants)) {
    const adapters: LoadedAdapter[] = [];
    for (const [adapterId, entry] of Object.entries(tenant.adapters)) {
      const base = `tenants.${tenantId}.adapters.${adapterId}`;
      const at = (path: string, message: string): void => {
        problems.push({ tenant: tenantId, adapter: adapterId, path, message });
      };
      const manifest = registry.find(adapterId);
      if (manifest === undefined) {
        at(base, `unknown adapter "${adapterId}"; known adapters: ${registry.ids().join(', ')}`);
        continue;
      }
      const config: Record<string, unknown> = { ...entry.config };
      for (const key of secretKeys(manifest.configSchema)) {
        const value = config[key];
        if (value === undefined) continue; // a missing required secret is reported by the schema below
        const reference = parseSecretReference(value);
        if (reference === undefined) {
          at(`${base}.config.${key}`, 'is a secret: give a reference (env:NAME or file:PATH), never the value itself');
          config[key] = 'redacted-inline-secret';
          continue;
        }
        if (!entry.enabled) {
          config[key] = 'unresolved-secret-of-disabled-adapter';
          continue;
        }
        const resolved = resolveSecretReference(reference, sources);
        if ('problem' in resolved) {
          at(`${base}.config.${key}`, resolved.problem);
          config[key] = 'unresolved-secret';
        } else {
          registerSecret(resolved.value);
          config[key] = resolved.value;
        }
      }
      const result = (manifest.configSchema as z.ZodObject<z.ZodRawShape>).strict().safeParse(config);
      if (!result.success) {
        for (const issue of result.error.issues) at(joinPath(`${base}.config`, issue.path), issue.message);
        continue;
      }
      adapters.push({ adapterId, enabled: entry.enabled, config: result.data as Record<string, unknown> });
    }
    tenants.push({ tenantId, displayName: tenant.displayName, adapters });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, plugins: deepFreeze({ tenants }) };
}

/** Like {@link validatePlugins} but throws one `invalid-config` error listing every problem. */
export function requireValidPlugins(raw: unknown, registry: AdapterRegistry, sources: SecretSources): LoadedPlugins {
  const result = validatePlugins(raw, registry, sources);
  if (result.ok) return result.plugins;
  throw new HybridError('invalid-config', `plugins.json has ${result.problems.length} problem(s):\n  - ${result.problems.map(formatProblem).join('\n  - ')}`, {
    details: { problems: result.problems },
  });
}
