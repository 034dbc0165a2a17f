// Placeholder until the import routes land (owned by the import work).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
export const importRoutes: FastifyPluginAsyncZod = async () => undefined;
