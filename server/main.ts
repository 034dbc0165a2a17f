import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { ensureAdminToken } from './auth/repository.ts';

const config = loadConfig();
const app = await buildApp({ config });
const token = await ensureAdminToken(app.db);
await app.listen({ port: config.port, host: config.host });
const base = config.publicUrl ?? `http://${config.host}:${config.port}`;
// On stdout, not in the log: logs are shipped and kept, and this link is the admin's key.
if (token) process.stdout.write(`first start: admin token created: ${base}/admin#token=${token}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
