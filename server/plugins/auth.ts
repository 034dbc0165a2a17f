import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  authenticateAccount,
  authenticateJudge,
  authorizeServerChange,
  authorizeStudy,
  type Access,
  type AccountRow,
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
    /** The admin-side account of the request (set by requireAdmin). */
    account: AccountRow | null;
  }
  interface FastifyContextConfig {
    /** What an admin route does: 'view' for reads, 'change' otherwise; by default from the method. */
    access?: Access;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a study reference in a URL is an id (else a name, or nothing to look up). */
export const isUuid = (s: string): boolean => UUID.test(s);

/** A route's access: its `config.access`, else view for GET/HEAD and change for anything else. */
function accessOf(request: FastifyRequest): Access {
  const declared = request.routeOptions.config.access;
  if (declared) return declared;
  return request.method === 'GET' || request.method === 'HEAD' ? 'view' : 'change';
}

/**
 * Admin routes refuse judge tokens and judge routes refuse admin tokens (server/auth/service.ts).
 * An admin route under a study (`:studyId`) checks the account's role on it: a study the account
 * has no role on is a 404, as if it did not exist; a viewer may only read. An admin route outside
 * any study that changes something (creating a study) is for server-admins.
 * Judges are resolved through the process's judge cache, which hears every process's revocations
 * on the events channel; while that listener is down the cache is not used.
 */
export const authPlugin = fp(
  async (app) => {
    app.decorateRequest('judge', null);
    app.decorateRequest('account', null);
    app.decorate('requireAdmin', async (request: FastifyRequest) => {
      const { studyId } = (request.params ?? {}) as { studyId?: unknown };
      // not a study id at all: the route's own validation answers 400, which tells nothing
      const study = typeof studyId === 'string' && isUuid(studyId) ? studyId : undefined;
      const { account, role } = await authenticateAccount(app.db, request.headers.authorization, {
        studyId: study,
      });
      request.account = account;
      const access = accessOf(request);
      if (study !== undefined) authorizeStudy({ account, role, access });
      else if (typeof studyId !== 'string' && access === 'change') authorizeServerChange(account);
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
