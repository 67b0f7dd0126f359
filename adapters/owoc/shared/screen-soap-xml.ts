import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { soap11EnvelopeNamespace } from './owoc-namespaces.js';

/** The element a SOAP 1.1 body carries: the operation's wrapper element. */
export interface SoapBodyElement {
  localName: string;
  namespace: string | undefined;
}

/** Outcome of {@link screenSoapXml}. */
export type SoapScreening = { ok: true; body: SoapBodyElement } | { ok: false; reason: string };

const SOAP12_NAMESPACE = 'http://www.w3.org/2003/05/soap-envelope';
/** Only the five predefined entities and character references; anything else is a DTD entity or a bare '&'. */
const undefinedEntity = /&(?!(?:amp|lt|gt|quot|apos);|#[0-9]{1,7};|#x[0-9a-fA-F]{1,6};)/;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: false,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type Node = Record<string, unknown>;

/**
 * Decide whether a request body is safe to hand to the `soap` server, and what it asks for.
 * Refuses document type declarations outright (no DTD, hence no external entity, no entity
 * expansion bomb — SOAP 1.1 forbids DTDs anyway), references to undeclared entities, XML that is not
 * well-formed, and anything but a SOAP 1.1 envelope whose body holds exactly one element.
 */
export function screenSoapXml(xml: string): SoapScreening {
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) return { ok: false, reason: 'document type declarations (DTD) and entity declarations are not allowed' };
  if (undefinedEntity.test(xml)) return { ok: false, reason: 'the XML refers to an undefined entity or holds a bare "&"' };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, reason: `the request is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})` };
  let document: Node;
  try {
    document = parser.parse(xml) as Node;
  } catch (error) {
    return { ok: false, reason: `the request is not well-formed XML (${(error as Error).message.split('\n')[0]})` };
  }
  const roots = elementKeys(document);
  if (roots.length !== 1) return { ok: false, reason: 'the request must hold exactly one root element, a SOAP 1.1 Envelope' };
  const rootName = roots[0]!;
  const envelope = asNode(document[rootName]);
  const scopes = [envelope];
  const envelopeNs = namespaceOf(rootName, scopes);
  if (localName(rootName) !== 'Envelope' || envelopeNs !== soap11EnvelopeNamespace) {
    const soap12 = localName(rootName) === 'Envelope' && envelopeNs === SOAP12_NAMESPACE;
    return { ok: false, reason: soap12 ? 'SOAP 1.2 is not supported: send a SOAP 1.1 envelope (text/xml)' : 'the request is not a SOAP 1.1 envelope' };
  }
  const bodyKeys = elementKeys(envelope).filter((key) => localName(key) === 'Body' && namespaceOf(key, [asNode(envelope[key]), envelope]) === soap11EnvelopeNamespace);
  if (bodyKeys.length !== 1 || Array.isArray(envelope[bodyKeys[0]!])) return { ok: false, reason: 'the envelope must hold exactly one SOAP Body' };
  const body = asNode(envelope[bodyKeys[0]!]);
  const children = elementKeys(body);
  if (children.length !== 1 || Array.isArray(body[children[0]!])) return { ok: false, reason: 'the SOAP Body must hold exactly one element (document/literal wrapped)' };
  const child = children[0]!;
  return { ok: true, body: { localName: localName(child), namespace: namespaceOf(child, [asNode(body[child]), body, envelope]) } };
}

function elementKeys(node: Node): string[] {
  return Object.keys(node).filter((key) => !key.startsWith('@_') && key !== '#text' && key !== '?xml');
}

function asNode(value: unknown): Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Node) : {};
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon === -1 ? qname : qname.slice(colon + 1);
}

/** Resolve a qualified name's namespace through the xmlns declarations of the element and its ancestors (innermost first). */
function namespaceOf(qname: string, scopes: Node[]): string | undefined {
  const colon = qname.indexOf(':');
  const attribute = colon === -1 ? '@_xmlns' : `@_xmlns:${qname.slice(0, colon)}`;
  for (const scope of scopes) {
    const value = scope[attribute];
    if (typeof value === 'string') return value;
  }
  return undefined;
}
