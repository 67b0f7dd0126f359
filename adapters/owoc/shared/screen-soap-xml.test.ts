import { describe, expect, it } from 'vitest';
import { screenSoapXml } from './screen-soap-xml.js';

const env = (body: string, prefix = 's', ns = 'http://schemas.xmlsoap.org/soap/envelope/') => `<?xml version="1.0"?><${prefix}:Envelope xmlns:${prefix}="${ns}"><${prefix}:Body>${body}</${prefix}:Body></${prefix}:Envelope>`;

describe('screenSoapXml', () => {
  it('accepts a SOAP 1.1 envelope and names its body element and namespace', () => {
    expect(screenSoapXml(env('<d:DataArrived xmlns:d="urn:x"><d:input/></d:DataArrived>'))).toEqual({ ok: true, body: { localName: 'DataArrived', namespace: 'urn:x' } });
    expect(screenSoapXml(env('<DataArrived xmlns="urn:y">&amp;&#65;&#x42;</DataArrived>'))).toEqual({ ok: true, body: { localName: 'DataArrived', namespace: 'urn:y' } });
    expect(screenSoapXml(`<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:d="urn:z"><e:Header/><e:Body><d:Op/></e:Body></e:Envelope>`)).toEqual({ ok: true, body: { localName: 'Op', namespace: 'urn:z' } });
  });

  it('refuses DTDs: external entities (XXE) and entity expansion bombs', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${env('<d:X xmlns:d="urn:x">&xxe;</d:X>').replace('<?xml version="1.0"?>', '')}`;
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`;
    expect(screenSoapXml(xxe)).toEqual({ ok: false, reason: expect.stringContaining('DTD') });
    expect(screenSoapXml(bomb)).toEqual({ ok: false, reason: expect.stringContaining('DTD') });
    expect(screenSoapXml(env('<d:X xmlns:d="urn:x">&xxe;</d:X>'))).toEqual({ ok: false, reason: expect.stringContaining('undefined entity') });
  });

  it('refuses what is not well-formed, not SOAP 1.1, or not one body element', () => {
    expect(screenSoapXml(env('<d:X xmlns:d="urn:x"><d:input></d:X>'))).toEqual({ ok: false, reason: expect.stringContaining('not well-formed') });
    expect(screenSoapXml('<a/><b/>')).toMatchObject({ ok: false });
    expect(screenSoapXml('<root/>')).toEqual({ ok: false, reason: 'the request is not a SOAP 1.1 envelope' });
    expect(screenSoapXml(env('<X/>', 's', 'http://www.w3.org/2003/05/soap-envelope'))).toEqual({ ok: false, reason: expect.stringContaining('SOAP 1.2') });
    expect(screenSoapXml(env(''))).toEqual({ ok: false, reason: expect.stringContaining('exactly one element') });
    expect(screenSoapXml(env('<a/><b/>'))).toEqual({ ok: false, reason: expect.stringContaining('exactly one element') });
    expect(screenSoapXml(env('<a/><a/>'))).toEqual({ ok: false, reason: expect.stringContaining('exactly one element') });
  });
});
