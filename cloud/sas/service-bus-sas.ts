import { createHmac } from 'node:crypto';
import type { ServiceBusRight } from '../../contracts/index.js';

/** A namespace-level shared access key (an Azure authorization rule) the SAS service signs with. */
export interface NamespaceKey {
  /** Key (rule) name, sent as `skn`. */
  name: string;
  /** Key value exactly as Azure shows it; its UTF-8 bytes are the HMAC key. */
  key: string;
  /** Rights of the rule; a token signed with it grants these rights on its `sr`. */
  rights: readonly ServiceBusRight[];
}

/**
 * Service Bus SAS token for one resource URI (Azure's documented format, the same the Azure SDK builds):
 * `SharedAccessSignature sr=<enc(uri)>&sig=<enc(base64(HMAC-SHA256(key, enc(uri) + "\n" + expiry)))>&se=<expiry>&skn=<enc(name)>`.
 * The HMAC is node:crypto's; nothing cryptographic is hand-written here.
 */
export function signServiceBusSas(resourceUri: string, key: Pick<NamespaceKey, 'name' | 'key'>, expiresOnSec: number): string {
  const sr = encodeURIComponent(resourceUri);
  const signature = createHmac('sha256', Buffer.from(key.key, 'utf8')).update(`${sr}\n${expiresOnSec}`).digest('base64');
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(signature)}&se=${expiresOnSec}&skn=${encodeURIComponent(key.name)}`;
}

/**
 * The key that grants `needed` with the fewest extra rights, so that a Listen-only grant is signed with a
 * Listen-only rule whenever one exists. Undefined when no key covers the rights.
 */
export function pickNamespaceKey(keys: readonly NamespaceKey[], needed: readonly ServiceBusRight[]): NamespaceKey | undefined {
  return keys
    .filter((key) => needed.every((right) => effectiveRights(key).includes(right)))
    .sort((a, b) => effectiveRights(a).length - effectiveRights(b).length)[0];
}

// In Azure, Manage implies Send and Listen.
function effectiveRights(key: NamespaceKey): readonly ServiceBusRight[] {
  return key.rights.includes('Manage') ? ['Listen', 'Send', 'Manage'] : key.rights;
}
