import { soap11EnvelopeNamespace } from './owoc-namespaces.js';
import { escapeXml } from './xml-escape.js';

/** SOAP 1.1 fault codes we answer with: the sender's message is at fault, or we are. */
export type SoapFaultCode = 'Client' | 'Server';

/**
 * What a `soap` service method throws (or rejects with) to answer a SOAP 1.1 fault. The `soap`
 * server prefixes the body with its envelope key `soap`, hence `soap:Client`. HTTP status 500 is what
 * SOAP 1.1 over HTTP prescribes for faults (and what WCF clients expect).
 */
export interface SoapFaultThrowable {
  Fault: { faultcode: string; faultstring: string; statusCode: number };
}

/** Build the object a `soap` service method throws to answer a fault. */
export function soapFault(code: SoapFaultCode, message: string, statusCode = 500): SoapFaultThrowable {
  return { Fault: { faultcode: `soap:${code}`, faultstring: message, statusCode } };
}

/** Whether a value is a fault thrown with {@link soapFault}. */
export function isSoapFaultThrowable(value: unknown): value is SoapFaultThrowable {
  return typeof value === 'object' && value !== null && typeof (value as { Fault?: { faultcode?: unknown } }).Fault?.faultcode === 'string';
}

/** A complete SOAP 1.1 fault envelope, for answers given before the `soap` server sees a request. */
export function soapFaultEnvelope(code: SoapFaultCode, message: string): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${soap11EnvelopeNamespace}"><soap:Body><soap:Fault>` +
    `<faultcode>soap:${code}</faultcode><faultstring>${escapeXml(message)}</faultstring></soap:Fault></soap:Body></soap:Envelope>`
  );
}
