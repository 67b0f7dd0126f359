import { createHash, randomBytes } from 'node:crypto';
import { owocDataNamespace, soap11EnvelopeNamespace, wsseNamespace } from '../../../adapters/owoc/shared/owoc-namespaces.js';
import { escapeXml } from '../../../adapters/owoc/shared/xml-escape.js';

/** One interval value of a pushed IntervalBlock. */
export interface PushedIntervalReading {
  /** Interval end, ISO 8601 with zone. */
  end: string;
  value: number | string;
  /** IEC 61968-9 quality code; absent = valid. */
  quality?: string;
}

/** One register value of a pushed MeterReading. */
export interface PushedReading {
  readingType: string;
  time: string;
  value: number | string;
  quality?: string;
}

/** Readings of one meter in a DataArrived push. */
export interface PushedMeterReading {
  meter: string;
  intervalBlocks?: Array<{ readingType: string; intervalReadings: PushedIntervalReading[] }>;
  readings?: PushedReading[];
}

/** A DataArrived push, as the head-end simulator builds it. */
export interface DataArrivedPayload {
  requestToken?: string;
  meterReadings: PushedMeterReading[];
}

/** WS-Security UsernameToken a push carries. */
export interface PushCredentials {
  username: string;
  password: string;
  /** Default PasswordText. */
  passwordType?: 'PasswordText' | 'PasswordDigest';
}

const TOKEN_PROFILE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';

/** The `d:DataArrived` element of a payload (REPRESENTATIVE shape of shared/domain/utility-formats.md §2.3). */
export function dataArrivedElement(payload: DataArrivedPayload): string {
  const attr = (name: string, value: string | number | undefined): string => (value === undefined ? '' : ` ${name}="${escapeXml(String(value))}"`);
  const meters = payload.meterReadings
    .map((m) => {
      const blocks = (m.intervalBlocks ?? [])
        .map((b) => `<d:IntervalBlock${attr('readingType', b.readingType)}>${b.intervalReadings.map((r) => `<d:IntervalReading${attr('end', r.end)}${attr('value', r.value)}${attr('quality', r.quality)}/>`).join('')}</d:IntervalBlock>`)
        .join('');
      const readings = (m.readings ?? []).map((r) => `<d:Reading${attr('readingType', r.readingType)}${attr('time', r.time)}${attr('value', r.value)}${attr('quality', r.quality)}/>`).join('');
      return `<d:MeterReading${attr('meter', m.meter)}>${blocks}${readings}</d:MeterReading>`;
    })
    .join('');
  const token = payload.requestToken === undefined ? '' : `<d:RequestToken>${escapeXml(payload.requestToken)}</d:RequestToken>`;
  return `<d:DataArrived xmlns:d="${owocDataNamespace}"><d:input>${token}${meters}</d:input></d:DataArrived>`;
}

/** A WS-Security header with a UsernameToken (PasswordText, or PasswordDigest with a fresh nonce). */
export function usernameTokenHeader(credentials: PushCredentials, now = new Date()): string {
  const username = `<wsse:Username>${escapeXml(credentials.username)}</wsse:Username>`;
  if (credentials.passwordType === 'PasswordDigest') {
    const nonce = randomBytes(16);
    const created = now.toISOString();
    const digest = createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created, 'utf8'), Buffer.from(credentials.password, 'utf8')])).digest('base64');
    return (
      `<wsse:Security soapenv:mustUnderstand="1" xmlns:wsse="${wsseNamespace}" xmlns:wsu="${WSU}"><wsse:UsernameToken>${username}` +
      `<wsse:Password Type="${TOKEN_PROFILE}#PasswordDigest">${digest}</wsse:Password><wsse:Nonce>${nonce.toString('base64')}</wsse:Nonce>` +
      `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`
    );
  }
  return (
    `<wsse:Security soapenv:mustUnderstand="1" xmlns:wsse="${wsseNamespace}"><wsse:UsernameToken>${username}` +
    `<wsse:Password Type="${TOKEN_PROFILE}#PasswordText">${escapeXml(credentials.password)}</wsse:Password></wsse:UsernameToken></wsse:Security>`
  );
}

/**
 * A SOAP 1.1 envelope around a DataArrived element. `body` is a payload, or raw XML: a complete
 * envelope (sent as is — tests use it for hostile input) or just the body element.
 */
export function dataArrivedEnvelope(body: DataArrivedPayload | string, credentials?: PushCredentials): string {
  if (typeof body === 'string' && isCompleteDocument(body)) return body;
  const element = typeof body === 'string' ? body.replace(/^\uFEFF?\s*<\?xml[^>]*\?>/, '') : dataArrivedElement(body);
  const header = credentials === undefined ? '' : `<soapenv:Header>${usernameTokenHeader(credentials)}</soapenv:Header>`;
  return `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="${soap11EnvelopeNamespace}">${header}<soapenv:Body>${element}</soapenv:Body></soapenv:Envelope>`;
}

/** Whether raw XML is a whole document (an envelope, or anything with a DOCTYPE) rather than a body element. */
function isCompleteDocument(xml: string): boolean {
  const head = xml.replace(/^\uFEFF/, '').replace(/^\s*(<\?xml[^>]*\?>)?(\s*<!--[\s\S]*?-->)*\s*/, '');
  return head.startsWith('<!DOCTYPE') || /^<([A-Za-z_][\w.-]*:)?Envelope[\s>/]/.test(head);
}
