import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { itemImages } from '../db/schema/index.ts';
import { Errors } from '../errors.ts';

/**
 * Images are served by their random id, which is the capability: `<img>` cannot send a bearer
 * token, and an image belongs to an item, never to a system, so it reveals nothing of the sides.
 */
export const imageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/:id',
    { schema: { params: z.object({ id: z.string().uuid() }) } },
    async (request, reply) => {
      const [image] = await app.db
        .select({ mime: itemImages.mime, bytes: itemImages.bytes, sha256: itemImages.sha256 })
        .from(itemImages)
        .where(eq(itemImages.id, request.params.id));
      if (!image) throw new Errors.NotFound('image');
      return reply
        .header('content-type', image.mime)
        .header('cache-control', 'private, max-age=86400, immutable')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .send(image.bytes);
    },
  );
};
