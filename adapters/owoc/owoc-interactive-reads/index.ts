import { defineAdapter } from '../../../core/sdk/index.js';
import { interactiveReadDeclaration } from './interactive-read-operation.js';
import { InteractiveReadsAdapter } from './interactive-reads-adapter.js';
import { interactiveReadsConfigSchema } from './interactive-reads-config.js';

/** Manifest of the owoc-interactive-reads request-response adapter. */
export const manifest = defineAdapter({
  id: 'owoc-interactive-reads',
  dataSource: 'OWOC-CM Interactive Reads (WCF)',
  description:
    'Reads meters on demand through the OWOC-CM head-end DataService (SOAP 1.1, document/literal, WCF basicHttpBinding profile): ' +
    'InteractiveRead answers a request token, then GetInteractiveReadResult is polled until the request completes, within the caller\'s ' +
    'deadline. Answers one outcome per meter with canonical readings (IEC 61968-9 ReadingType, unit, interval start, quality). Optional ' +
    'WS-Security UsernameToken. REPRESENTATIVE contract: our own bundled WSDL and urn: namespaces, following the publicly documented verbs ' +
    'and token-based pattern.',
  method: 'request-response',
  operations: [interactiveReadDeclaration],
  configSchema: interactiveReadsConfigSchema,
  stability: 'beta',
  implementation: InteractiveReadsAdapter,
});

export default manifest;

export { InteractiveReadsAdapter } from './interactive-reads-adapter.js';
export { interactiveReadsConfigSchema, type InteractiveReadsConfig, type InteractiveReadsConfigInput } from './interactive-reads-config.js';
export {
  interactiveReadDeclaration,
  interactiveReadOperation,
  interactiveReadRequestSchema,
  interactiveReadResultSchema,
  meterReadOutcomeSchema,
  type InteractiveReadRequest,
  type InteractiveReadResult,
  type MeterReadOutcome,
} from './interactive-read-operation.js';
