import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  authenticateAdmin,
  authenticateJudge,
  judgeEventReceived,
  judgeEventsListening,
  type JudgeRow,
} from '../auth/service.ts';
import { EVENTS_CHANNEL } from '../db/events.ts';

declare module 'fastify' {
  interface FastifyInstance {
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    requireJudge: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    judge: JudgeRow | null;
  }
}

/**
 * Admin routes refuse judge tokens and judge routes refuse admin tokens (server/auth/service.ts).
 * Judges are resolved through the process's judge cache, which hears every process's revocations
 * on the events channel; while that listener is down the cache is not used.
 */
export const authPlugin = fp(
  async (app) => {
    app.decorateRequest('judge', null);
    app.decorate('requireAdmin', async (request: FastifyRequest) => {
      await authenticateAdmin(app.db, request.headers.authorization);
    });
    app.decorate('requireJudge', async (request: FastifyRequest) => {
      request.judge = await authenticateJudge(app.db, request.headers.authorization);
    });
    const unlisten = await app.database.listen(
      EVENTS_CHANNEL,
      (payload) => judgeEventReceived(app.db, payload),
      {
        onLost: () => judgeEventsListening(app.db, false),
        onReconnect: () => judgeEventsListening(app.db, true),
      },
    );
    app.addHook('onClose', async () => unlisten());
  },
  { name: 'auth', dependencies: ['db'] },
);
