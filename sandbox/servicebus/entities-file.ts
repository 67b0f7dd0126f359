import { readFile } from 'node:fs/promises';
import { namespaceDefinitionSchema } from './entity-definitions.js';
import type { NamespaceDefinition } from './entity-definitions.js';

/** An entities file or object that failed validation; `problems` lists every issue, one per line. */
export class EntitiesFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid entities in ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'EntitiesFileError';
  }
}

/** Validates a namespace declaration in one pass and reports every problem (including duplicate names). */
export function parseEntities(value: unknown, source = 'entities'): NamespaceDefinition {
  const result = namespaceDefinitionSchema.safeParse(value);
  if (!result.success) {
    throw new EntitiesFileError(
      source,
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const problems = duplicateNames(result.data);
  if (problems.length > 0) throw new EntitiesFileError(source, problems);
  return result.data;
}

/** Reads and validates a JSON entities file. */
export async function loadEntitiesFile(path: string): Promise<NamespaceDefinition> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new EntitiesFileError(path, [`cannot read: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EntitiesFileError(path, [`not JSON: ${(error as Error).message}`]);
  }
  return parseEntities(json, path);
}

// Queues and topics share one namespace in Azure, and names compare case-insensitively.
function duplicateNames(definition: NamespaceDefinition): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const entities = [
    ...(definition.queues ?? []).map((q, i) => ({ name: q.name, where: `queues.${i}` })),
    ...(definition.topics ?? []).map((t, i) => ({ name: t.name, where: `topics.${i}` })),
  ];
  for (const { name, where } of entities) {
    const key = name.toLowerCase();
    if (seen.has(key)) problems.push(`${where}.name: duplicate entity name '${name}'`);
    seen.add(key);
  }
  (definition.topics ?? []).forEach((topic, t) => {
    const subs = new Set<string>();
    (topic.subscriptions ?? []).forEach((sub, s) => {
      const key = sub.name.toLowerCase();
      if (subs.has(key)) problems.push(`topics.${t}.subscriptions.${s}.name: duplicate subscription '${sub.name}'`);
      subs.add(key);
    });
  });
  return problems;
}
