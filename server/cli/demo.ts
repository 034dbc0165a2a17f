import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { addDbOptions, configFromOptions, parseIntOption, publicBaseUrl } from './common.ts';
import { recordRunningServer } from './running-server.ts';
import { adminUrl, startServer } from './serve.ts';

export function register(program: Command): void {
  addDbOptions(
    program
      .command('demo')
      .description(
        'seed a sample medical-VQA study (generated images, a base and a fine-tuned system), serve it and print the URLs',
      )
      .option('--port <port>', 'port to listen on', parseIntOption('--port'), 8080)
      .option('--host <host>', 'address to listen on', '127.0.0.1'),
  ).action(async (opts: { port: number; host: string; data?: string; databaseUrl?: string }) => {
    const config = configFromOptions(opts);
    // Loaded here: `tracearena --help` registers every verb without loading the server.
    const { rotateAdminToken, inviteUrl } = await import('../auth/service.ts');
    const { seedDemo, DEMO_STUDY } = await import('../demo/seed.ts');
    // A demo is looked at, not operated: only warnings and errors, not a line per request.
    const app = await startServer(config, { logLevel: 'warn' });
    const address = app.server.address();
    const base = publicBaseUrl({
      ...config,
      port: typeof address === 'object' && address ? address.port : config.port,
    });
    // The judge tokens are kept in the data folder (readable by its owner only), so a restart
    // hands out the same links instead of revoking the ones already given.
    const linksFile = join(config.dataDir, 'demo-judges.json');
    const previous = await readFile(linksFile, 'utf8')
      .then((text) => z.record(z.string(), z.string()).parse(JSON.parse(text)))
      .catch(() => ({}));
    const { created, tokens } = await seedDemo(app.db, { previous });
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(
      linksFile,
      `${JSON.stringify(Object.fromEntries(tokens.map((t) => [t.name, t.token])))}\n`,
      { mode: 0o600 },
    );
    await recordRunningServer(config, app.db, base);
    // one 'demo-admin' account whose link each start renews (the earlier link stops working)
    const admin = await rotateAdminToken(app.db, { name: 'demo-admin' });
    const out = [
      `TraceArena demo ${created ? 'seeded' : 'already seeded'}: study '${DEMO_STUDY}' on ${app.database.kind} — listening on ${base}`,
      `admin: ${adminUrl(base, admin)}`,
      ...tokens.map((t) => `judge ${t.name}: ${inviteUrl(base, t.token)}`),
      'press Ctrl+C to stop',
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  });
}
