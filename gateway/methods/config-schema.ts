import { z } from 'zod';
import { configSchema } from '../../core/config/schema.js';
import { clawdbotVersion } from '../../core/version.js';
import { isSecretKey } from './config-document.js';
import { defineMethod } from './types.js';

/** How a UI should treat one field; keyed by dotted path, `*` for any key of a record, `[]` for array items. */
const uiHintSchema = z.object({ sensitive: z.boolean().optional() });

type JsonSchemaNode = {
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  items?: JsonSchemaNode;
};

/**
 * Paths whose values are secrets, the same keys config.get redacts: a form masks them and
 * sends them back only when the person typed a new one.
 */
function sensitiveHints(
  node: JsonSchemaNode,
  path: string[],
  hints: Record<string, z.infer<typeof uiHintSchema>>,
): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (isSecretKey(key)) hints[[...path, key].join('.')] = { sensitive: true };
    sensitiveHints(child, [...path, key], hints);
  }
  if (typeof node.additionalProperties === 'object')
    sensitiveHints(node.additionalProperties, [...path, '*'], hints);
  if (node.items !== undefined) sensitiveHints(node.items, [...path, '[]'], hints);
}

/**
 * `config.schema` (OpenClaw's name and answer shape): the JSON Schema of clawdbot.json as
 * written by a person (zod's input side: defaults make fields optional), field descriptions
 * included, and UI hints marking secrets — what the Control UI builds its config form from.
 */
export const configSchemaMethod = defineMethod({
  method: 'config.schema',
  params: z.object({}).optional(),
  result: z.object({
    schema: z.record(z.string(), z.unknown()),
    uiHints: z.record(z.string(), uiHintSchema),
    version: z.string(),
    generatedAt: z.string(),
  }),
  handler() {
    const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
    const uiHints: Record<string, z.infer<typeof uiHintSchema>> = {};
    sensitiveHints(schema as JsonSchemaNode, [], uiHints);
    return {
      schema,
      uiHints,
      version: clawdbotVersion,
      generatedAt: new Date().toISOString(),
    };
  },
});
