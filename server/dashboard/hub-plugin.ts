import fp from 'fastify-plugin';
import { EVENTS_CHANNEL } from '../db/events.ts';
import { LiveHub } from './hub.ts';

declare module 'fastify' {
  interface FastifyInstance {
    liveHub: LiveHub;
  }
}

/**
 * The process's dashboard hub, fed by LISTEN on the events channel (so every process hears every
 * verdict). The listening connection reconnects by itself after a database restart.
 */
export const liveHubPlugin = fp(
  async (app) => {
    const hub = new LiveHub(app.db, app.log);
    app.decorate('liveHub', hub);
    const unlisten = await app.database.listen(EVENTS_CHANNEL, (payload) => hub.onEvent(payload), {
      onLost: (err) =>
        app.log.warn({ code: 'TA_DB_UNAVAILABLE', err }, 'database listener lost; reconnecting'),
      // Events sent while the listener was away are gone: every dashboard gets a fresh snapshot.
      onReconnect: () => {
        app.log.info('database listener reconnected');
        hub.refreshAll();
      },
    });
    app.addHook('preClose', async () => hub.close());
    app.addHook('onClose', async () => unlisten());
  },
  { name: 'live-hub', dependencies: ['db'] },
);
