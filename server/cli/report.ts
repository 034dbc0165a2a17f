import type { Command } from 'commander';
import { addReportOptions, parseReportFlags, type RawReportFlags } from '../reports/cli-options.ts';
import type { Judgment } from '../../shared/judgments.ts';
import type { LockedPlan } from '../../shared/plan.ts';
import { buildReport, withStudyState, type StudyReportInputs } from '../reports/build-report.ts';
import type { VerdictTable } from '../reports/verdict-table.ts';
import { addDbOptions, addServerOptions, CliError, type DbOptions } from './common.ts';
import { onStudy, responseLines, serverRequest } from './running-server.ts';
import { writeReport } from './report-output.ts';
import { readReplayed, refuseReportFlags, writeReplay } from './replay-output.ts';

type ReportFlags = RawReportFlags &
  DbOptions & { study?: string; replay?: string; fromAudit?: string; adjudicated?: boolean };

export function register(program: Command): void {
  addReportOptions(
    addServerOptions(
      addDbOptions(
        program
          .command('report')
          .description(
            "Win rates, intervals, ranking, agreement and bias over a study's verdicts (the same report as `stats` on its export)",
          )
          .option('--study <name>', 'study name (required, except with --replay or --from-audit)')
          .option(
            '--adjudicated',
            "each adjudicated comparison counts its final verdict instead of its judges' verdicts (docs/qualification.md); the report says which",
          )
          .option(
            '--from-audit <file>',
            "the report rebuilt from a study's audit export alone (tracearena audit --study S --out FILE; docs/audit.md), without a database: the same figures as the study's report",
          )
          .option(
            '--replay <report.json>',
            "recompute a report JSON from its study (the one in its provenance, or --study) with its options and seed: prints 'identical' or every figure that differs (exit 1)",
          ),
      ),
    ),
  ).action(async (flags: ReportFlags, cmd: Command) => {
    if (flags.replay !== undefined) return replay(flags.replay, flags, cmd);
    if (flags.fromAudit !== undefined) return fromAudit(flags.fromAudit, flags);
    if (flags.study === undefined)
      throw new CliError("required option '--study <name>' not specified", 2);
    const parsed = parseReportFlags(flags);
    if ('error' in parsed) throw new CliError(parsed.error, 2);
    const adjudicated = flags.adjudicated === true;
    const loaded = await loadStudy(flags, flags.study, parsed.options.base, adjudicated);
    // the study state beside the figures, as the study's report route gives it
    await writeReport(loaded.table, parsed, flags.out, (t, options) =>
      withStudyState(
        buildReport(t, options, { study: loaded.study }, loaded.plan),
        loaded,
        adjudicated,
      ),
    );
  });
}

/** The report of a study rebuilt from its audit export: its verdict events and its locked plan. */
async function fromAudit(file: string, flags: ReportFlags): Promise<void> {
  if (flags.study !== undefined)
    throw new CliError("options '--from-audit' and '--study' cannot be used together", 2);
  const parsed = parseReportFlags(flags);
  if ('error' in parsed) throw new CliError(parsed.error, 2);
  const { readAuditExport, auditVerdictFacts } = await import('../audit/read-export.ts');
  const { tableFromVerdicts } = await import('../reports/load-study.ts');
  const { FileRecordError } = await import('../files/record-error.ts');
  let table: VerdictTable;
  let plan;
  let integrity;
  let adjudicated = 0;
  try {
    const read = await readAuditExport(file);
    ({ plan, integrity, adjudicated } = read);
    async function* facts() {
      for (const v of read.verdicts) {
        const f = auditVerdictFacts(v);
        if (f) yield f;
      }
    }
    // the outputs' style counts the import events recorded (none in an older export)
    table = await tableFromVerdicts(facts(), {
      base: parsed.options.base,
      ...(read.styles ? { styles: read.styles } : {}),
    });
  } catch (err) {
    if (err instanceof FileRecordError || err instanceof RangeError)
      throw new CliError(err.message, 2);
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT')
      throw new CliError(`${file}: no such file`, 2);
    throw err;
  }
  await writeReport(table, parsed, flags.out, (t, options) => {
    const report = buildReport(t, options, { files: [file] }, plan);
    // the study's identity-leak holds, as the study's report shows them (docs/integrity.md)
    // and, as the study's report, which verdicts it counts (the originals: docs/audit.md)
    const basis = { basis: 'original', adjudicatedComparisons: adjudicated };
    return integrity ? { ...report, integrity, verdictBasis: basis } : report;
  });
}

async function replay(file: string, flags: ReportFlags, cmd: Command): Promise<void> {
  refuseReportFlags(cmd);
  const { report, options } = await readReplayed(file);
  const input = report.provenance?.input;
  const name = flags.study ?? (input && 'study' in input ? input.study.name : undefined);
  if (name === undefined)
    throw new CliError(
      `${file}: the report names no study${input && 'files' in input ? ` (it was made from files: use tracearena stats --replay ${file} FILE…)` : ''}; pass --study`,
      2,
    );
  // on the verdicts it was made from: the originals, or with the adjudicated ones (verdictBasis)
  const adjudicated = report.verdictBasis?.basis === 'adjudicated';
  const loaded = await loadStudy(flags, name, options.base, adjudicated);
  const { table, study, plan } = loaded;
  if (input && 'study' in input && input.study.id !== study.id)
    process.stderr.write(
      `note: study '${study.name}' is ${study.id}; the report was made from ${input.study.id}\n`,
    );
  writeReplay(report, () => {
    const replayed = buildReport(table, options, { study }, plan);
    // a report made before verdictBasis existed has none to compare
    if (report.verdictBasis === undefined) return replayed;
    return withStudyState(replayed, loaded, adjudicated);
  });
}

/**
 * What a study's report is computed from (studyReportInputs): from a server (`--server`, or the one
 * holding the embedded database), its export and study state through its API (the same records);
 * else from the database, closed before the report is computed.
 */
async function loadStudy(
  flags: DbOptions,
  name: string,
  base: string | undefined,
  adjudicated = false,
): Promise<StudyReportInputs & { study: { id: string; name: string } }> {
  // a base system that is not in the verdicts is bad input: the CLI's one line, exit 2
  const badBase = (err: unknown): never => {
    if (err instanceof RangeError) throw new CliError(err.message, 2);
    throw err;
  };
  return onStudy(flags, name, {
    server: async (server, studyId) => {
      // the study's state, asked for while the export streams; a failure is reported when awaited
      const getJson = async (path: string) =>
        (await serverRequest(server, `/api/studies/${studyId}/${path}`)).json() as Promise<unknown>;
      const state = Promise.all([getJson('plan'), getJson('qualification'), getJson('integrity')]);
      state.catch(() => undefined);
      const res = await serverRequest(
        server,
        `/api/studies/${studyId}/export${adjudicated ? '?adjudicated=true' : ''}`,
      );
      async function* judgments() {
        for await (const line of responseLines(res)) yield JSON.parse(line) as Judgment;
      }
      const { tableFromVerdicts } = await import('../reports/load-study.ts');
      const table = await tableFromVerdicts(judgments(), { base }).catch(badBase);
      const [planBody, qualificationBody, holds] = await state;
      const { plan } = planBody as { plan: LockedPlan | null };
      const { adjudicatedComparisons } = qualificationBody as { adjudicatedComparisons: number };
      const { integrityViewSchema } = await import('../../shared/integrity-api.ts');
      const { counts: integrity } = integrityViewSchema.parse(holds);
      return { table, study: { id: studyId, name }, plan, adjudicatedComparisons, integrity };
    },
    database: async (database, study) => {
      const { studyReportInputs } = await import('../reports/study-report.ts');
      // what the study's report route reads, from the same function
      const inputs = await studyReportInputs(database.db, {
        studyId: study.id,
        base,
        adjudicated,
      }).catch(badBase);
      return { ...inputs, study: { id: study.id, name: study.name } };
    },
  });
}
