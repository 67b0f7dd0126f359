/**
 * XSD of the IEC 61968-9-shaped `MeterReading` (IntervalBlock / IntervalReading / Reading), shared by
 * the DataArrived push and the GetInteractiveReadResult answer. REPRESENTATIVE: shaped on the public
 * standard and on the fixture in shared/domain/utility-formats.md §2.3, not on a vendor schema.
 * Attributes carry the values (as in the fixture); `quality` is an IEC 61968-9 quality code
 * (`system.category.index`), absent when the value is valid.
 */
export const meterReadingXsdTypes = `
      <xs:complexType name="IntervalReading">
        <xs:attribute name="end" type="xs:dateTime" use="required"/>
        <xs:attribute name="value" type="xs:double" use="required"/>
        <xs:attribute name="quality" type="xs:string" use="optional"/>
      </xs:complexType>
      <xs:complexType name="IntervalBlock">
        <xs:sequence>
          <xs:element name="IntervalReading" type="tns:IntervalReading" minOccurs="0" maxOccurs="unbounded"/>
        </xs:sequence>
        <xs:attribute name="readingType" type="xs:string" use="required"/>
      </xs:complexType>
      <xs:complexType name="Reading">
        <xs:attribute name="readingType" type="xs:string" use="required"/>
        <xs:attribute name="time" type="xs:dateTime" use="required"/>
        <xs:attribute name="value" type="xs:double" use="required"/>
        <xs:attribute name="quality" type="xs:string" use="optional"/>
      </xs:complexType>
      <xs:complexType name="MeterReading">
        <xs:sequence>
          <xs:element name="IntervalBlock" type="tns:IntervalBlock" minOccurs="0" maxOccurs="unbounded"/>
          <xs:element name="Reading" type="tns:Reading" minOccurs="0" maxOccurs="unbounded"/>
        </xs:sequence>
        <xs:attribute name="meter" type="xs:string" use="required"/>
      </xs:complexType>`;
