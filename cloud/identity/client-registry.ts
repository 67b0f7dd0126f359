import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { allScopes, clientRoles, scopesByRole, subscriberIdPattern, tenantIdSchema, type ClientRole, type Scope } from '../../contracts/index.js';
import { dummySecretHash, generateSecret, hashSecret, verifySecret } from './secret-hash.js';

/** One registered OAuth client. The secret itself is never stored, only its salted scrypt hash. */
export const registeredClientSchema = z.object({
  clientId: z.string().regex(subscriberIdPattern, 'client id must be lowercase letters, digits and hyphens (max 63)'),
  tenantId: tenantIdSchema,
  role: z.enum(clientRoles),
  scopes: z.array(z.enum(allScopes as [Scope, ...Scope[]])).min(1),
  secretHash: z.string().startsWith('scrypt$'),
  createdAt: z.string(),
  description: z.string().optional(),
});
/** One registered OAuth client. */
export type RegisteredClient = z.infer<typeof registeredClientSchema>;

/** The registry file. */
export const clientRegistryFileSchema = z.object({
  version: z.literal(1),
  clients: z.array(registeredClientSchema),
});

/** What {@link ClientRegistry.add} needs. */
export interface NewClient {
  tenantId: string;
  role: ClientRole;
  /** Defaults to every scope the role may hold. */
  scopes?: readonly string[];
  /** Defaults to `<ohs|sub>-<tenant>-<random>`. */
  clientId?: string;
  description?: string;
}

/** Raised for a registration the registry refuses; `field` names the offending input. */
export class ClientRegistryError extends Error {
  override name = 'ClientRegistryError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/**
 * The OAuth clients of the identity service, kept in a JSON file (or only in memory when no file is given).
 * The file is re-read when it changes on disk, so `ihc clients add` takes effect without a restart.
 */
export class ClientRegistry {
  private clients = new Map<string, RegisteredClient>();
  private loadedVersion = '';

  private constructor(private readonly file: string | undefined) {}

  /** Open the registry at `file` (created on first `add`), or an in-memory registry when `file` is undefined. */
  static async open(file?: string): Promise<ClientRegistry> {
    const registry = new ClientRegistry(file);
    await registry.reloadIfChanged();
    return registry;
  }

  /** The client with this id, if registered. */
  async find(clientId: string): Promise<RegisteredClient | undefined> {
    await this.reloadIfChanged();
    return this.clients.get(clientId);
  }

  /** Every registered client (secret hashes included; never log them). */
  async list(): Promise<RegisteredClient[]> {
    await this.reloadIfChanged();
    return [...this.clients.values()];
  }

  /**
   * The client if `secret` is its secret, otherwise undefined. An unknown id costs the same scrypt work as a
   * known one, so response timing does not reveal which client ids exist.
   */
  async authenticate(clientId: string, secret: string): Promise<RegisteredClient | undefined> {
    const client = await this.find(clientId);
    const ok = await verifySecret(secret, client?.secretHash ?? (await dummySecretHash()));
    return ok && client ? client : undefined;
  }

  /** Register a client and return it with its secret; the secret is not recoverable afterwards. */
  async add(input: NewClient): Promise<{ client: RegisteredClient; secret: string }> {
    await this.reloadIfChanged();
    const tenant = tenantIdSchema.safeParse(input.tenantId);
    if (!tenant.success) throw new ClientRegistryError(tenant.error.issues[0]?.message ?? 'invalid tenant id', 'tenant');
    if (!clientRoles.includes(input.role)) throw new ClientRegistryError(`role must be one of ${clientRoles.join(', ')}`, 'role');
    const allowed = scopesByRole[input.role];
    const scopes = input.scopes && input.scopes.length > 0 ? [...new Set(input.scopes)] : [...allowed];
    const refused = scopes.filter((scope) => !(allowed as readonly string[]).includes(scope));
    if (refused.length > 0) {
      throw new ClientRegistryError(`role ${input.role} may not hold scope(s) ${refused.join(', ')}; allowed: ${allowed.join(' ')}`, 'scopes');
    }
    const clientId = input.clientId ?? `${input.role === 'ohs' ? 'ohs' : 'sub'}-${input.tenantId}-${randomBytes(4).toString('hex')}`;
    if (!subscriberIdPattern.test(clientId)) {
      throw new ClientRegistryError('client id must be lowercase letters, digits and hyphens, at most 63 characters', 'clientId');
    }
    if (this.clients.has(clientId)) throw new ClientRegistryError(`client ${clientId} already exists`, 'clientId');
    const secret = generateSecret();
    const client: RegisteredClient = registeredClientSchema.parse({
      clientId,
      tenantId: input.tenantId,
      role: input.role,
      scopes,
      secretHash: await hashSecret(secret),
      createdAt: new Date().toISOString(),
      ...(input.description ? { description: input.description } : {}),
    });
    this.clients.set(clientId, client);
    await this.save();
    return { client, secret };
  }

  private async reloadIfChanged(): Promise<void> {
    if (!this.file) return;
    let version: string;
    try {
      version = fileVersion(await stat(this.file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.clients.clear();
        this.loadedVersion = '';
        return;
      }
      throw err;
    }
    if (version === this.loadedVersion) return;
    const parsed = clientRegistryFileSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`client registry ${this.file} is invalid at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'unknown'}`);
    }
    this.clients = new Map(parsed.data.clients.map((client) => [client.clientId, client]));
    this.loadedVersion = version;
  }

  private async save(): Promise<void> {
    if (!this.file) return;
    await mkdir(dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const body = JSON.stringify({ version: 1, clients: [...this.clients.values()] }, null, 2) + '\n';
    // Owner-only: the hashes are not secrets, but there is no reason to hand them to other local users.
    await writeFile(temp, body, { mode: 0o600 });
    await rename(temp, this.file);
    this.loadedVersion = fileVersion(await stat(this.file));
  }
}

// Rename replaces the inode, so inode + size + mtime changes whenever another process saved the file.
function fileVersion(info: { ino: number; size: number; mtimeMs: number }): string {
  return `${info.ino}:${info.size}:${info.mtimeMs}`;
}
