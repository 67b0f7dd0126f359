import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { HybridError } from '../sdk/index.js';
import type { AdapterRegistry } from './adapter-registry.js';
import type { PluginProblem } from './plugin-problem.js';
import { validatePlugins, type PluginsValidation } from './validate-plugins.js';

/** Read and validate a plugins.json file; JSON syntax errors are reported as a problem, not thrown. */
export async function loadPluginsFile(
  path: string,
  registry: AdapterRegistry,
  options: { env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<PluginsValidation> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new HybridError('invalid-config', `cannot read ${absolute}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const problem: PluginProblem = { path: '', message: `not valid JSON: ${(error as Error).message}` };
    return { ok: false, problems: [problem] };
  }
  return validatePlugins(raw, registry, { env: options.env ?? process.env, baseDir: dirname(absolute) });
}
