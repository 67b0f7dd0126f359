/**
 * XML namespaces of the OWOC-CM web services as this project models them.
 *
 * REPRESENTATIVE: these are our own `urn:` namespaces. The real head-end's contracts are not public
 * (see shared/domain/utility-formats.md §2.2); we keep the publicly documented *pattern* and verb
 * names (DataArrived, InteractiveRead / GetInteractiveReadResult) and never use the vendor's namespaces.
 */

/** Data services: DataService (InteractiveRead, GetInteractiveReadResult) and DataSubscriberService (DataArrived). */
export const owocDataNamespace = 'urn:hybrid-connector:hcsim:owoc:data:v1';
/** Types shared by every OWOC service (request states). */
export const owocCommonNamespace = 'urn:hybrid-connector:hcsim:owoc:common:v1';
/** SOAP 1.1 envelope. */
export const soap11EnvelopeNamespace = 'http://schemas.xmlsoap.org/soap/envelope/';
/** OASIS WS-Security 1.0 secext (UsernameToken). */
export const wsseNamespace = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
