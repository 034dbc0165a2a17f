import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { exportAudit } from '../audit/service.ts';
import {
  addDbOptions,
  addServerOptions,
  configFromOptions,
  requireStudy,
  withDatabase,
  type DbOptions,
} from './common.ts';
import { responseLines, runningServer, serverRequest, studyIdOnServer } from './running-server.ts';

/**
 * `tracearena audit --study S [--out FILE]`: the study's audit trail (docs/audit.md) as JSONL, one
 * event per line (shared/audit.ts) in the order written. `tracearena report --from-audit FILE`
 * rebuilds the study's report from it alone.
 */
export function register(program: Command): void {
  addServerOptions(
    addDbOptions(
      program
        .command('audit')
        .description(
          "write a study's audit trail as JSONL, one event per line: every comparison shown (item, which system was left and right, when), lease taken, expired, re-issued, renewed or released, verdict, skip, can't-judge, note, judge added or revoked, and admin action (import, pair, plan lock, release/redact/exclude, LLM run start/cancel) with who did it; `report --from-audit FILE` rebuilds the report from it (docs/audit.md)",
        )
        .requiredOption('--study <name>', 'study name')
        .option('--out <file>', 'output file (default: standard output)'),
    ),
  ).action(async (opts: { study: string; out?: string } & DbOptions) => {
    const write = async (lines: AsyncIterable<string>) => {
      const out: Writable = opts.out ? createWriteStream(opts.out) : process.stdout;
      let n = 0;
      for await (const line of lines) {
        if (!out.write(`${line}\n`)) await once(out, 'drain');
        n++;
      }
      if (opts.out) {
        out.end();
        await once(out, 'finish');
        process.stderr.write(`exported ${n} audit events to ${opts.out}\n`);
      }
    };
    // A server holding the embedded database: the same lines through its API.
    const server = runningServer(configFromOptions(opts), opts);
    if (server) {
      const studyId = await studyIdOnServer(server, opts.study);
      return write(responseLines(await serverRequest(server, `/api/studies/${studyId}/audit`)));
    }
    await withDatabase(opts, async (database) => {
      const study = await requireStudy(database, opts.study);
      async function* lines() {
        for await (const event of exportAudit(database.db, { studyId: study.id }))
          yield JSON.stringify(event);
      }
      await write(lines());
    });
  });
}
