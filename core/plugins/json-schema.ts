/**
 * Manifest JSON Schemas as zod schemas (zod 4's `z.fromJSONSchema`), so plugin config is
 * checked with the same issue paths and messages as the rest of clawdbot.json, and
 * without running any plugin code.
 */
import { z } from 'zod';
import { channelAccountSchema, commonAccountShape } from '../../channels/shared/config.js';
import type { CommonAccountOptions } from '../../channels/types.js';
import type { JsonSchema } from './types.js';

/** Convert a manifest's JSON Schema; throws with zod's reason when it cannot. */
export function zodFromJsonSchema(schema: JsonSchema): z.ZodType {
  return z.fromJSONSchema(schema);
}

/**
 * One account of a plugin channel: the common account keys the runtime adds for every
 * channel (dmPolicy, allowFrom, groups, ...) plus the manifest's own properties, strict
 * as the built-in channels are, so a typo names its field. A schema that is not an
 * object schema (e.g. `{}`) adds no keys of its own but lets unknown ones through.
 */
export function channelAccountSchemaFromJson(schema: JsonSchema): z.ZodType<CommonAccountOptions> {
  const own = zodFromJsonSchema(schema);
  if (own instanceof z.ZodObject) {
    return channelAccountSchema(
      own.shape as z.ZodRawShape,
    ) as unknown as z.ZodType<CommonAccountOptions>;
  }
  return z.looseObject(commonAccountShape);
}
