/** One thing wrong in plugins.json, located by tenant, adapter and field path. */
export interface PluginProblem {
  tenant?: string;
  adapter?: string;
  /** Dotted path inside the file, e.g. `tenants.demo.adapters.weather-csv.config.delimiter`. */
  path: string;
  message: string;
}

/** One line per problem, stable and readable: `tenant demo › adapter weather-csv › config.x: message`. */
export function formatProblem(problem: PluginProblem): string {
  const where: string[] = [];
  if (problem.tenant !== undefined) where.push(`tenant ${problem.tenant}`);
  if (problem.adapter !== undefined) where.push(`adapter ${problem.adapter}`);
  const prefix = `tenants.${problem.tenant ?? ''}.adapters.${problem.adapter ?? ''}.`;
  const field = problem.adapter !== undefined && problem.path.startsWith(prefix) ? problem.path.slice(prefix.length) : problem.path;
  where.push(field === '' ? '(file)' : field);
  return `${where.join(' › ')}: ${problem.message}`;
}
