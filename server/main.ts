import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { ensureAdminToken } from './auth/repository.ts';

const config = loadConfig();
const app = await buildApp({ config });
const token = await ensureAdminToken(app.db);
await app.listen({ port: config.port, host: config.host });
const base = config.publicUrl ?? `http://${config.host}:${config.port}`;
if (token)
  app.log.info({ adminUrl: `${base}/admin#token=${token}` }, 'first start: admin token created');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
