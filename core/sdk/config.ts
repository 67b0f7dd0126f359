import { z } from 'zod';

/** Metadata a config field carries: its documentation and whether it holds a secret. */
export interface ConfigFieldInfo {
  key: string;
  description: string | undefined;
  secret: boolean;
  optional: boolean;
  hasDefault: boolean;
  defaultValue: unknown;
}

/**
 * A secret config field. In plugins.json it may only hold a reference (`env:NAME` or `file:PATH`);
 * the loader resolves it, so the adapter receives the value and the file never holds it.
 */
export function secretField(description: string): z.ZodString {
  return z.string().min(1).meta({ description, secret: true });
}

/** The object schema every adapter config is. */
export type ConfigSchema = z.ZodObject<z.ZodRawShape>;

function unwrap(schema: z.ZodType): { inner: z.ZodType; chain: z.ZodType[] } {
  const chain: z.ZodType[] = [schema];
  let current: z.ZodType = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
    chain.push(current);
  }
  return { inner: current, chain };
}

/** Describe the top-level fields of a config schema, looking through optional/default wrappers. */
export function describeConfigFields(schema: ConfigSchema): ConfigFieldInfo[] {
  return Object.entries(schema.shape).map(([key, field]) => {
    const { chain } = unwrap(field as z.ZodType);
    const metas = chain.map((s) => s.meta() as { description?: string; secret?: boolean } | undefined);
    const description = chain.map((s) => s.description).find((d) => d !== undefined) ?? metas.find((m) => m?.description)?.description;
    const defaultHolder = chain.find((s) => s instanceof z.ZodDefault) as z.ZodDefault | undefined;
    return {
      key,
      description,
      secret: metas.some((m) => m?.secret === true),
      optional: chain.some((s) => s instanceof z.ZodOptional || s instanceof z.ZodDefault),
      hasDefault: defaultHolder !== undefined,
      defaultValue: defaultHolder === undefined ? undefined : (defaultHolder.def.defaultValue as unknown),
    };
  });
}

/** Keys of the fields marked secret. */
export function secretKeys(schema: ConfigSchema): string[] {
  return describeConfigFields(schema).filter((f) => f.secret).map((f) => f.key);
}
