import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getImage } from '../imports/service.ts';

/**
 * Images are served by their random id, which is the capability: `<img>` cannot send a bearer
 * token, and an image belongs to an item, never to a system, so it reveals nothing of the sides.
 */
export const imageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/:id',
    { schema: { params: z.object({ id: z.string().uuid() }) } },
    async (request, reply) => {
      const image = await getImage(app.db, { id: request.params.id });
      return reply
        .header('content-type', image.mime)
        .header('cache-control', 'private, max-age=86400, immutable')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .send(image.bytes);
    },
  );
};
