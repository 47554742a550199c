/**
 * Route schemas written in zod: one declaration validates the body (fastify calls the
 * compiler below) and types the handler's `request.body` (through the type provider), so
 * nothing is validated twice or cast.
 */
import type { FastifyInstance, FastifySchemaCompiler, FastifyTypeProvider } from 'fastify';
import type { z } from 'zod';

/** Types `request.body` and friends from the zod schema of a route. */
export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

/** Validate with the route's zod schema; a failure reaches the error handler as a ZodError. */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema }) => {
  return (data) => {
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: result.error };
  };
};

/** A plugin scope whose routes take zod schemas. */
export function withZod(app: FastifyInstance) {
  app.setValidatorCompiler(zodValidatorCompiler);
  return app.withTypeProvider<ZodTypeProvider>();
}

/** A fastify instance whose routes take zod schemas. */
export type ZodApp = ReturnType<typeof withZod>;
