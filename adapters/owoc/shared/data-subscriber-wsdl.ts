import { meterReadingXsdTypes } from './meter-reading-xsd.js';
import { owocDataNamespace } from './owoc-namespaces.js';
import { escapeXml } from './xml-escape.js';

/** SOAPAction of DataArrived (WCF convention `{namespace}/{portType}/{operation}`). */
export const dataArrivedAction = `${owocDataNamespace}/DataSubscriber/DataArrived`;

/**
 * WSDL of the subscriber endpoint the OHS hosts and the head-end pushes to:
 * `DataSubscriberService.DataArrived(input)`. SOAP 1.1, document/literal wrapped, the WCF
 * basicHttpBinding profile. REPRESENTATIVE: our namespace and types, the public verb names.
 */
export function dataSubscriberWsdl(location: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- REPRESENTATIVE contract of the Hybrid Connector project, not a vendor WSDL. -->
<wsdl:definitions name="DataSubscriberService"
    targetNamespace="${owocDataNamespace}"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tns="${owocDataNamespace}">
  <wsdl:types>
    <xs:schema targetNamespace="${owocDataNamespace}" elementFormDefault="qualified">${meterReadingXsdTypes}
      <xs:complexType name="DataArrivedInput">
        <xs:sequence>
          <xs:element name="RequestToken" type="xs:string" minOccurs="0"/>
          <xs:element name="MeterReading" type="tns:MeterReading" minOccurs="0" maxOccurs="unbounded"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="DataArrivedResult">
        <xs:sequence>
          <xs:element name="RequestToken" type="xs:string" minOccurs="0"/>
          <xs:element name="RecordsAccepted" type="xs:int"/>
        </xs:sequence>
      </xs:complexType>
      <xs:element name="DataArrived">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="input" type="tns:DataArrivedInput"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element name="DataArrivedResponse">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="DataArrivedResult" type="tns:DataArrivedResult" minOccurs="0"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="DataSubscriber_DataArrived_InputMessage">
    <wsdl:part name="parameters" element="tns:DataArrived"/>
  </wsdl:message>
  <wsdl:message name="DataSubscriber_DataArrived_OutputMessage">
    <wsdl:part name="parameters" element="tns:DataArrivedResponse"/>
  </wsdl:message>
  <wsdl:portType name="DataSubscriber">
    <wsdl:operation name="DataArrived">
      <wsdl:input message="tns:DataSubscriber_DataArrived_InputMessage"/>
      <wsdl:output message="tns:DataSubscriber_DataArrived_OutputMessage"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="BasicHttpBinding_DataSubscriber" type="tns:DataSubscriber">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" style="document"/>
    <wsdl:operation name="DataArrived">
      <soap:operation soapAction="${dataArrivedAction}" style="document"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="DataSubscriberService">
    <wsdl:port name="BasicHttpBinding_DataSubscriber" binding="tns:BasicHttpBinding_DataSubscriber">
      <soap:address location="${escapeXml(location)}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>`;
}

