import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { getJudgeByToken, isAdminToken } from '../auth/repository.ts';
import { bearerToken } from '../auth/tokens.ts';
import type { JudgeRow } from '../auth/service.ts';
import { Errors } from '../errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    requireJudge: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    judge: JudgeRow | null;
  }
}

/** Admin routes refuse judge tokens and judge routes refuse admin tokens. */
export const authPlugin = fp(
  async (app) => {
    app.decorateRequest('judge', null);
    app.decorate('requireAdmin', async (request: FastifyRequest) => {
      const token = bearerToken(request.headers.authorization);
      if (!token) throw new Errors.Unauthorized();
      if (await isAdminToken(app.db, { token })) return;
      if (await getJudgeByToken(app.db, { token }))
        throw new Errors.Forbidden('a judge token cannot use admin routes');
      throw new Errors.Unauthorized();
    });
    app.decorate('requireJudge', async (request: FastifyRequest) => {
      const token = bearerToken(request.headers.authorization);
      if (!token) throw new Errors.Unauthorized();
      const judge = await getJudgeByToken(app.db, { token });
      if (!judge || judge.kind !== 'human') {
        if (await isAdminToken(app.db, { token }))
          throw new Errors.Forbidden('an admin token cannot use judge routes');
        throw new Errors.Unauthorized();
      }
      if (judge.revokedAt) throw new Errors.InviteRevoked();
      request.judge = judge;
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
