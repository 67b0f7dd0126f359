/**
 * Helpers to read what the `soap` package parses: an element becomes an object (or a string when it
 * only holds text), its attributes sit under `attributes`, text beside attributes under `$value`,
 * and repeated elements become arrays (always, when the WSDL says maxOccurs > 1).
 */

/** A parsed element as an object, or undefined when it is text or absent. */
export function asElement(node: unknown): Record<string, unknown> | undefined {
  return typeof node === 'object' && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>) : undefined;
}

/** Zero, one or many occurrences of an element, as an array. */
export function occurrences(node: unknown): unknown[] {
  if (node === undefined || node === null) return [];
  return Array.isArray(node) ? node : [node];
}

/** An attribute's value, when present and a string. */
export function attribute(element: Record<string, unknown>, name: string): string | undefined {
  const attributes = asElement(element.attributes);
  const value = attributes?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** The text of a simple element (with or without attributes), trimmed; undefined when absent or not text. */
export function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node.trim();
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  const element = asElement(node);
  const value = element?.$value;
  return typeof value === 'string' ? value.trim() : undefined;
}

/** Child element names other than the attribute and text keys. */
export function childNames(element: Record<string, unknown>): string[] {
  return Object.keys(element).filter((key) => key !== 'attributes' && key !== '$value');
}
