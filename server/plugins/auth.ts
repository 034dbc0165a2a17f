import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { authenticateAdmin, authenticateJudge, type JudgeRow } from '../auth/service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    requireJudge: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    judge: JudgeRow | null;
  }
}

/** Admin routes refuse judge tokens and judge routes refuse admin tokens (server/auth/service.ts). */
export const authPlugin = fp(
  async (app) => {
    app.decorateRequest('judge', null);
    app.decorate('requireAdmin', async (request: FastifyRequest) => {
      await authenticateAdmin(app.db, request.headers.authorization);
    });
    app.decorate('requireJudge', async (request: FastifyRequest) => {
      request.judge = await authenticateJudge(app.db, request.headers.authorization);
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
