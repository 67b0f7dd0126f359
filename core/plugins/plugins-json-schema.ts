import { z } from 'zod';
import { describeConfigFields } from '../sdk/index.js';
import type { AdapterRegistry } from './adapter-registry.js';
import { secretReferencePattern } from './secret-reference.js';

type JsonSchema = Record<string, unknown>;

function adapterConfigSchema(configSchema: z.ZodObject<z.ZodRawShape>): JsonSchema {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete schema.$schema;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const field of describeConfigFields(configSchema)) {
    if (!field.secret) continue;
    // In the file a secret field holds a reference, never the value, so its schema says exactly that.
    properties[field.key] = {
      type: 'string',
      pattern: secretReferencePattern,
      description: `${field.description ?? ''} (secret: write env:NAME or file:PATH)`.trim(),
    };
  }
  schema.additionalProperties = false;
  return schema;
}

/** JSON Schema (draft 2020-12) for plugins.json, generated from the registered manifests so editors validate the file. */
export function pluginsJsonSchema(registry: AdapterRegistry): JsonSchema {
  const adapterProperties: Record<string, JsonSchema> = {};
  for (const manifest of registry.list()) {
    adapterProperties[manifest.id] = {
      description: `${manifest.dataSource} (${manifest.method}, ${manifest.stability}): ${manifest.description}`,
      type: 'object',
      properties: {
        enabled: { type: 'boolean', default: true, description: 'Whether the adapter runs for this tenant' },
        config: adapterConfigSchema(manifest.configSchema),
      },
      additionalProperties: false,
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://hybrid-connector.example/plugins.schema.json',
    title: 'Hybrid Connector OHS plugins.json',
    description: 'Tenants served by this OHS and, per tenant, the adapters enabled with their configuration.',
    type: 'object',
    properties: {
      $schema: { type: 'string' },
      tenants: {
        type: 'object',
        propertyNames: { pattern: '^[a-z][a-z0-9-]{2,39}$' },
        additionalProperties: {
          type: 'object',
          properties: {
            displayName: { type: 'string' },
            adapters: { type: 'object', properties: adapterProperties, additionalProperties: false },
          },
          required: ['adapters'],
          additionalProperties: false,
        },
      },
    },
    required: ['tenants'],
    additionalProperties: false,
  };
}
