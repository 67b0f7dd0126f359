import { meterReadingXsdTypes } from './meter-reading-xsd.js';
import { owocCommonNamespace, owocDataNamespace } from './owoc-namespaces.js';
import { escapeXml } from './xml-escape.js';

/** Request states (common namespace). `Initialized` is public; the later values are ours (REPRESENTATIVE). */
export const owocRequestStates = ['Initialized', 'InProgress', 'Completed', 'CompletedWithErrors', 'Failed', 'Cancelled', 'TimedOut'] as const;
/** A request state of the token-based asynchronous pattern. */
export type OwocRequestState = (typeof owocRequestStates)[number];
/** States after which GetInteractiveReadResult no longer changes. */
export const owocTerminalStates: ReadonlySet<OwocRequestState> = new Set(['Completed', 'CompletedWithErrors', 'Failed', 'Cancelled', 'TimedOut']);

/** SOAPAction of an operation of the DataService port type (WCF convention). */
export function dataServiceAction(operation: 'InteractiveRead' | 'GetInteractiveReadResult'): string {
  return `${owocDataNamespace}/DataService/${operation}`;
}

/**
 * WSDL of the head-end's `DataService`: `InteractiveRead(request)` answers a request token at once;
 * `GetInteractiveReadResult(requestToken)` answers the request's state and, once it is terminal, one
 * `MeterResult` per meter — the token-based asynchronous pattern of the public documentation.
 * SOAP 1.1, document/literal wrapped, WCF basicHttpBinding profile. REPRESENTATIVE: our namespaces
 * and types; only the verb names and the pattern follow the public material.
 */
export function dataServiceWsdl(location: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- REPRESENTATIVE contract of the Hybrid Connector project, not a vendor WSDL. -->
<wsdl:definitions name="DataService"
    targetNamespace="${owocDataNamespace}"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:c="${owocCommonNamespace}"
    xmlns:tns="${owocDataNamespace}">
  <wsdl:types>
    <xs:schema targetNamespace="${owocCommonNamespace}" elementFormDefault="qualified">
      <xs:simpleType name="RequestState">
        <xs:restriction base="xs:string">
${owocRequestStates.map((s) => `          <xs:enumeration value="${s}"/>`).join('\n')}
        </xs:restriction>
      </xs:simpleType>
      <xs:simpleType name="MeterReadStatus">
        <xs:restriction base="xs:string">
          <xs:enumeration value="Succeeded"/>
          <xs:enumeration value="Failed"/>
        </xs:restriction>
      </xs:simpleType>
    </xs:schema>
    <xs:schema targetNamespace="${owocDataNamespace}" elementFormDefault="qualified">
      <xs:import namespace="${owocCommonNamespace}"/>${meterReadingXsdTypes}
      <xs:complexType name="ArrayOfElectronicSerialNumber">
        <xs:sequence>
          <xs:element name="ElectronicSerialNumber" type="xs:string" maxOccurs="unbounded"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="ArrayOfReadingType">
        <xs:sequence>
          <xs:element name="ReadingType" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="InteractiveReadRequest">
        <xs:sequence>
          <xs:element name="ElectronicSerialNumbers" type="tns:ArrayOfElectronicSerialNumber"/>
          <xs:element name="ReadingTypes" type="tns:ArrayOfReadingType" minOccurs="0"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="InteractiveReadResult">
        <xs:sequence>
          <xs:element name="RequestToken" type="xs:string"/>
          <xs:element name="State" type="c:RequestState"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="MeterResult">
        <xs:sequence>
          <xs:element name="ElectronicSerialNumber" type="xs:string"/>
          <xs:element name="Status" type="c:MeterReadStatus"/>
          <xs:element name="ErrorMessage" type="xs:string" minOccurs="0"/>
          <xs:element name="MeterReading" type="tns:MeterReading" minOccurs="0"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="ArrayOfMeterResult">
        <xs:sequence>
          <xs:element name="MeterResult" type="tns:MeterResult" minOccurs="0" maxOccurs="unbounded"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="InteractiveReadStatus">
        <xs:sequence>
          <xs:element name="RequestToken" type="xs:string"/>
          <xs:element name="State" type="c:RequestState"/>
          <xs:element name="MeterResults" type="tns:ArrayOfMeterResult" minOccurs="0"/>
        </xs:sequence>
      </xs:complexType>
      <xs:element name="InteractiveRead">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="request" type="tns:InteractiveReadRequest"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element name="InteractiveReadResponse">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="InteractiveReadResult" type="tns:InteractiveReadResult"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element name="GetInteractiveReadResult">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="requestToken" type="xs:string"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element name="GetInteractiveReadResultResponse">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="GetInteractiveReadResultResult" type="tns:InteractiveReadStatus"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:schema>
  </wsdl:types>
${['InteractiveRead', 'GetInteractiveReadResult']
  .map(
    (op) => `  <wsdl:message name="DataService_${op}_InputMessage">
    <wsdl:part name="parameters" element="tns:${op}"/>
  </wsdl:message>
  <wsdl:message name="DataService_${op}_OutputMessage">
    <wsdl:part name="parameters" element="tns:${op}Response"/>
  </wsdl:message>`,
  )
  .join('\n')}
  <wsdl:portType name="DataService">
${['InteractiveRead', 'GetInteractiveReadResult']
  .map(
    (op) => `    <wsdl:operation name="${op}">
      <wsdl:input message="tns:DataService_${op}_InputMessage"/>
      <wsdl:output message="tns:DataService_${op}_OutputMessage"/>
    </wsdl:operation>`,
  )
  .join('\n')}
  </wsdl:portType>
  <wsdl:binding name="BasicHttpBinding_DataService" type="tns:DataService">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" style="document"/>
${(['InteractiveRead', 'GetInteractiveReadResult'] as const)
  .map(
    (op) => `    <wsdl:operation name="${op}">
      <soap:operation soapAction="${dataServiceAction(op)}" style="document"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>`,
  )
  .join('\n')}
  </wsdl:binding>
  <wsdl:service name="DataService">
    <wsdl:port name="BasicHttpBinding_DataService" binding="tns:BasicHttpBinding_DataService">
      <soap:address location="${escapeXml(location)}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>`;
}
