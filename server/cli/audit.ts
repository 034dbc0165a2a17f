import type { Command } from 'commander';
import { exportAudit } from '../audit/service.ts';
import { addDbOptions, addServerOptions, jsonLines, writeLines, type DbOptions } from './common.ts';
import { onStudy, responseLines, serverRequest } from './running-server.ts';

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
  ).action((opts: { study: string; out?: string } & DbOptions) => {
    const to = { out: opts.out, noun: 'audit events' };
    // through a server (--server, or the one holding the embedded database): the same lines
    return onStudy(opts, opts.study, {
      server: async (server, studyId) =>
        writeLines(responseLines(await serverRequest(server, `/api/studies/${studyId}/audit`)), to),
      database: ({ db }, study) =>
        writeLines(jsonLines(exportAudit(db, { studyId: study.id })), to),
    });
  });
}
