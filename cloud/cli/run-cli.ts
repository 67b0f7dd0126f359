import { parseArgs } from 'node:util';
import { clientRoles, type ClientRole } from '../../contracts/index.js';
import { ClientRegistry, ClientRegistryError } from '../identity/client-registry.js';

const USAGE = `Usage:
  npm run ihc -- clients add --tenant T --role ohs|subscriber [--scopes "s1 s2"] [--client-id ID] [--description TEXT] [--registry FILE] [--json]
  npm run ihc -- clients list [--registry FILE] [--json]

The registry defaults to $IHC_CLIENT_REGISTRY or .sandbox/clients.json. "add" prints the client secret once;
only its salted hash is stored.`;

/** The `ihc` command line; returns the exit code. Output goes to the given writers (tests capture them). */
export async function runCli(argv: string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        tenant: { type: 'string' },
        role: { type: 'string' },
        scopes: { type: 'string' },
        'client-id': { type: 'string' },
        description: { type: 'string' },
        registry: { type: 'string', default: process.env.IHC_CLIENT_REGISTRY ?? '.sandbox/clients.json' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    err(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [group, command] = positionals;
  if (values.help || group !== 'clients' || (command !== 'add' && command !== 'list')) {
    (values.help ? out : err)(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const registry = await ClientRegistry.open(values.registry);

  if (command === 'list') {
    const clients = (await registry.list()).map(({ secretHash: _hash, ...client }) => client);
    if (values.json) out(`${JSON.stringify(clients, null, 2)}\n`);
    else for (const c of clients) out(`${c.clientId}\t${c.tenantId}\t${c.role}\t${c.scopes.join(' ')}\n`);
    return 0;
  }

  if (!values.tenant) {
    err(`--tenant is required\n\n${USAGE}\n`);
    return 2;
  }
  if (!values.role || !(clientRoles as readonly string[]).includes(values.role)) {
    err(`--role must be one of ${clientRoles.join(', ')}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    const { client, secret } = await registry.add({
      tenantId: values.tenant,
      role: values.role as ClientRole,
      ...(values.scopes ? { scopes: values.scopes.split(/[\s,]+/).filter(Boolean) } : {}),
      ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
      ...(values.description ? { description: values.description } : {}),
    });
    if (values.json) {
      out(`${JSON.stringify({ clientId: client.clientId, clientSecret: secret, tenantId: client.tenantId, role: client.role, scopes: client.scopes })}\n`);
    } else {
      out(
        [
          `client id:     ${client.clientId}`,
          `client secret: ${secret}`,
          `tenant:        ${client.tenantId}`,
          `role:          ${client.role}`,
          `scopes:        ${client.scopes.join(' ')}`,
          `registry:      ${values.registry}`,
          '',
          'Store the secret now: it is not shown again and cannot be recovered.',
          '',
        ].join('\n'),
      );
    }
    return 0;
  } catch (e) {
    if (e instanceof ClientRegistryError) {
      err(`${e.field}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
