import type { FastifySerializerCompiler } from 'fastify/types/schema';
import { serializerCompiler } from 'fastify-type-provider-zod';

/**
 * For routes whose 2xx answer is built by one of the view functions (`toJobView`, `toGoPlusView`):
 * the view copies the schema's fields one by one from a result validated when it was stored
 * (the completion handler parses every agent result against its schema), so parsing it again
 * against the response schema on every read only costs time. Those answers are serialized as they
 * are; every other status keeps the zod serializer (it validates, and strips unknown keys).
 */
export const viewSerializer: FastifySerializerCompiler<unknown> = (route) => {
  if (/^2\d\d$/.test(String(route.httpStatus))) return (data: unknown) => JSON.stringify(data);
  return serializerCompiler(route as Parameters<typeof serializerCompiler>[0]);
};
