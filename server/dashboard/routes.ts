import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';
import { liveClientMessageSchema, type LiveServerMessage } from '../../shared/admin-views.ts';
import { accountByToken, seesStudy } from '../auth/service.ts';
import { getStudyById } from '../studies/service.ts';
import { Errors } from '../errors.ts';
import { isUuid } from '../plugins/auth.ts';

const AUTH_TIMEOUT_MS = 10_000;
/**
 * The largest message a dashboard client may send (its only message is the auth token, under
 * 300 bytes); ws's default is 100 MiB, buffered before the token is checked. Set in server/app.ts.
 */
export const WEBSOCKET_MAX_PAYLOAD = 4096;

function sendError(socket: WebSocket, code: string, message: string, closeCode: number): void {
  const msg: LiveServerMessage = { type: 'error', code, message };
  socket.send(JSON.stringify(msg));
  socket.close(closeCode, code);
}

/** The admin token from `?token=` or, better (it never appears in a URL), the first message. */
function readToken(socket: WebSocket, fromQuery: string | undefined): Promise<string | null> {
  if (fromQuery) return Promise.resolve(fromQuery);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), AUTH_TIMEOUT_MS);
    socket.once('message', (data: Buffer) => {
      clearTimeout(timer);
      try {
        const parsed = liveClientMessageSchema.safeParse(JSON.parse(data.toString('utf8')));
        resolve(parsed.success ? parsed.data.token : null);
      } catch {
        resolve(null);
      }
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

/**
 * GET /api/studies/:studyId/live: the study's live dashboard over a websocket (admin only). The
 * server pushes a snapshot on connect and within a tick of every verdict, from any process.
 * Needs liveHubPlugin registered on the app.
 */
export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  const hub = app.liveHub;

  app.get<{ Params: { studyId: string }; Querystring: { token?: string } }>(
    '/:studyId/live',
    // The query may hold the token: keep the request line out of the info-level access log.
    { websocket: true, logLevel: 'warn', schema: { hide: true } },
    async (socket, request) => {
      const { studyId } = request.params;
      const token = await readToken(socket, request.query.token);
      if (socket.readyState !== socket.OPEN) return;
      const isId = isUuid(studyId);
      const found = token
        ? await accountByToken(app.db, { token, studyId: isId ? studyId : undefined })
        : null;
      if (!found) {
        return sendError(socket, Errors.Unauthorized.code, 'an admin token is required', 4401);
      }
      // a study the account has no role on is as absent as one that does not exist
      if (
        !isId ||
        !seesStudy(found.account, found.role) ||
        !(await getStudyById(app.db, { id: studyId }))
      ) {
        return sendError(socket, Errors.NotFound.code, 'study not found', 4404);
      }
      if (socket.readyState !== socket.OPEN) return;
      hub.add(studyId, socket, found.account.id);
    },
  );
};
