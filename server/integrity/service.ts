/**
 * The identity-leak scan as part of a study (docs/integrity.md): every output is scanned at import
 * and at pairing (and when the admin changes the words), each flagged output is stored with its
 * matches and held until the admin releases, redacts or excludes it; a comparison that shows a
 * held or excluded output is not leased (server/integrity/queue-sql.ts in judging's lease), a
 * redacted one is judged on its redaction, an excluded one counts in no report.
 */
import { recordAdminAction, type AdminAction } from '../audit/service.ts';
import {
  REDACTED,
  type FlagDecision,
  type FlaggedOutput,
  type FlagStatus,
  type HoldCounts,
  type IntegrityView,
  type ScanResult,
} from '../../shared/integrity-api.ts';
import { createHash } from 'node:crypto';
import type { Tx } from '../db/client.ts';
import { Errors } from '../errors.ts';
import { listSystems, requireStudy } from '../studies/service.ts';
import * as repo from './repository.ts';
import { COMMON_SYSTEM_NAMES, MODEL_WORDS, SELF_DESCRIPTIONS } from './model-words.ts';
import { createScanner, type Scanner } from './scan.ts';

const PAGE = 1000;

/** The maintained list as text (regular expressions by their source), for the signature. */
const LIST_TEXT = JSON.stringify(
  [MODEL_WORDS, SELF_DESCRIPTIONS, [...COMMON_SYSTEM_NAMES]],
  (_, v: unknown) => (v instanceof RegExp ? v.toString() : v),
);

/** The study's scanner (its system names, the maintained list and the admin's words) and its signature. */
export async function studyScanner(
  db: Tx,
  { studyId }: { studyId: string },
): Promise<Scanner & { signature: string }> {
  const [systems, words] = await Promise.all([
    listSystems(db, { studyId }),
    repo.listWords(db, { studyId }),
  ]);
  const systemNames = systems.map((s) => s.name);
  const scanner = createScanner({ systemNames, extraWords: words });
  const signature = createHash('sha256')
    .update(JSON.stringify([[...systemNames].sort(), [...words].sort(), LIST_TEXT]))
    .digest('hex');
  return { ...scanner, signature };
}

/** The matches of one output, trace then answer. */
export function scanOutput(
  scanner: Scanner,
  { trace, answer }: { trace: string; answer: string },
): repo.StoredMatch[] {
  const out: repo.StoredMatch[] = [];
  for (const field of ['trace', 'answer'] as const) {
    const text = field === 'trace' ? trace : answer;
    for (const m of scanner.scan(text)) out.push({ field, ...m });
  }
  return out;
}

/** The text with every match replaced by the placeholder (the default redaction). */
export function redactText(text: string, matches: ReadonlyArray<{ start: number; end: number }>) {
  let out = '';
  let at = 0;
  for (const m of [...matches].sort((x, y) => x.start - y.start)) {
    if (m.start < at) continue;
    out += text.slice(at, m.start) + REDACTED;
    at = m.end;
  }
  return out + text.slice(at);
}

/**
 * Scans the study's outputs not yet read with the current scanner (`force`: every output) and
 * stores the flags: a new flag is held; an existing one keeps the admin's decision and gets the
 * new matches, except a redaction that the scan now flags (a word added), which is held again; an
 * output that no longer matches loses its flag. Then the comparisons' holds are rebuilt. Runs
 * inside the caller's transaction (an import, a pairing), as a savepoint of it (the outputs are
 * read through a cursor, which needs one), or in its own.
 */
export async function scanStudy(
  db: Tx,
  options: { studyId: string; force?: boolean },
): Promise<ScanResult> {
  return db.transaction((tx) => scanInTransaction(tx, options));
}

async function scanInTransaction(
  db: Tx,
  { studyId, force = false }: { studyId: string; force?: boolean },
): Promise<ScanResult> {
  const scanner = await studyScanner(db, { studyId });
  const signature = force ? null : scanner.signature;
  let scanned = 0;
  let flagged = 0;
  for await (const page of repo.scanInputPages(db, { studyId, pageSize: PAGE, signature })) {
    const flags: Array<{ outputId: string; matches: repo.StoredMatch[] }> = [];
    const unflag: string[] = [];
    const rehold: string[] = [];
    for (const row of page) {
      const matches = scanOutput(scanner, row);
      if (matches.length === 0) {
        if (row.status !== null) unflag.push(row.outputId);
        continue;
      }
      flags.push({ outputId: row.outputId, matches });
      if (
        row.status === 'redacted' &&
        scanOutput(scanner, { trace: row.redactedTrace ?? '', answer: row.redactedAnswer ?? '' })
          .length > 0
      )
        rehold.push(row.outputId);
    }
    await repo.upsertFlags(db, { studyId, flags });
    await repo.deleteFlags(db, { outputIds: unflag });
    await repo.holdAgain(db, { outputIds: rehold });
    await repo.markScanned(db, {
      studyId,
      outputIds: page.map((r) => r.outputId),
      signature: scanner.signature,
    });
    scanned += page.length;
    flagged += flags.length;
  }
  await repo.refreshHolds(db, { studyId });
  return { scanned, flagged, skippedSystemNames: [...scanner.skippedSystemNames] };
}

const toApi = (r: repo.FlagRow): FlaggedOutput => ({
  outputId: r.outputId,
  item: r.itemExternalId,
  system: r.systemName,
  trace: r.trace,
  answer: r.answer,
  matches: r.matches,
  status: r.status,
  redactedTrace: r.redactedTrace,
  redactedAnswer: r.redactedAnswer,
  decidedAt: r.decidedAt?.toISOString() ?? null,
  comparisons: r.comparisons,
});

/** The study's flagged outputs, by item and system. 404 without the study. */
export async function listFlags(db: Tx, { studyId }: { studyId: string }) {
  await requireStudy(db, { id: studyId });
  return (await repo.listFlags(db, { studyId })).map(toApi);
}

/** Per system, how many of its comparisons are held, released, redacted or excluded (the report's). */
export async function holdCounts(db: Tx, { studyId }: { studyId: string }): Promise<HoldCounts[]> {
  return repo.holdCounts(db, { studyId });
}

/**
 * The study's identity-leak state as the audit trail records it after an action that may change
 * it (docs/audit.md): the holds per system and the ids of the comparisons excluded.
 */
export async function holdSnapshot(
  db: Tx,
  { studyId }: { studyId: string },
): Promise<{ integrity: HoldCounts[]; excluded_comparisons: string[] }> {
  return {
    integrity: await repo.holdCounts(db, { studyId }),
    excluded_comparisons: await repo.excludedComparisons(db, { studyId }),
  };
}

/** What the admin page and `tracearena scan` show. 404 without the study. */
export async function integrityView(
  db: Tx,
  { studyId }: { studyId: string },
): Promise<IntegrityView> {
  await requireStudy(db, { id: studyId });
  const [flags, outputs, words, counts, scanner] = await Promise.all([
    repo.listFlags(db, { studyId }),
    repo.countOutputs(db, { studyId }),
    repo.listWords(db, { studyId }),
    repo.holdCounts(db, { studyId }),
    studyScanner(db, { studyId }),
  ]);
  return {
    words,
    skippedSystemNames: [...scanner.skippedSystemNames],
    flags: flags.map(toApi),
    outputs,
    counts,
  };
}

/** The audit trail's name of each decision (docs/audit.md). */
const DECISION_EVENT: Record<FlagDecision['action'], AdminAction> = {
  release: 'output_release',
  redact: 'output_redact',
  exclude: 'comparison_exclude',
  hold: 'output_hold',
};

const STATUS: Record<FlagDecision['action'], FlagStatus> = {
  release: 'released',
  redact: 'redacted',
  exclude: 'excluded',
  hold: 'held',
};

/**
 * The admin's decision on one flagged output (the one entry for release / redact / exclude / hold,
 * whoever asks: the HTTP route, a test, later the audit trail). A redaction is the given texts
 * (each defaults to the original with its matches replaced) and must itself scan clean: what a
 * judge will see names no system. The comparisons' holds are rebuilt in the same transaction.
 */
export async function decideFlag(
  db: Tx,
  {
    studyId,
    outputId,
    decision,
    actor = 'admin',
  }: { studyId: string; outputId: string; decision: FlagDecision; actor?: string },
): Promise<FlaggedOutput> {
  return db.transaction(async (tx) => {
    await requireStudy(tx, { id: studyId });
    const [flag] = await repo.listFlags(tx, { studyId, outputId });
    if (!flag) throw new Errors.NotFound('flagged output');
    let redaction: { trace: string; answer: string } | null = null;
    if (decision.action === 'redact') {
      const of = (field: 'trace' | 'answer') =>
        redactText(
          flag[field],
          flag.matches.filter((m) => m.field === field),
        );
      redaction = { trace: decision.trace ?? of('trace'), answer: decision.answer ?? of('answer') };
      const scanner = await studyScanner(tx, { studyId });
      const left = scanOutput(scanner, redaction);
      if (left.length > 0) {
        const m = left[0]!;
        throw new Errors.BadRequest(
          `redacted ${m.field}: offset ${m.start}: '${m.text}' still names a ${m.kind} (${left.length} match${left.length === 1 ? '' : 'es'} left)`,
        );
      }
    }
    await repo.setDecision(tx, { outputId, status: STATUS[decision.action], redaction });
    await repo.refreshHolds(tx, { studyId });
    const [row] = await repo.listFlags(tx, { studyId, outputId });
    const decided = toApi(row!);
    // the audit trail (docs/audit.md), with the holds as they now stand
    await recordAdminAction(tx, {
      studyId,
      actor,
      action: DECISION_EVENT[decision.action],
      details: {
        output_id: outputId,
        item: decided.item,
        system: decided.system,
        status: decided.status,
      },
    });
    return decided;
  });
}

/**
 * Adds a word to the study's list (`add`) or removes one (404 when the study has no such word),
 * rescans and records the change, in one transaction.
 */
async function changeWord(
  db: Tx,
  { studyId, word, actor, add }: { studyId: string; word: string; actor: string; add: boolean },
): Promise<ScanResult> {
  return db.transaction(async (tx) => {
    await requireStudy(tx, { id: studyId });
    if (add) await repo.insertWord(tx, { studyId, word });
    else if (!(await repo.deleteWord(tx, { studyId, word }))) throw new Errors.NotFound('word');
    const result = await scanStudy(tx, { studyId });
    await recordAdminAction(tx, {
      studyId,
      actor,
      action: add ? 'integrity_word_add' : 'integrity_word_remove',
      details: { word },
    });
    return result;
  });
}

/** Adds a word to the study's list and rescans. */
export async function addWord(
  db: Tx,
  { studyId, word, actor = 'admin' }: { studyId: string; word: string; actor?: string },
): Promise<ScanResult> {
  return changeWord(db, { studyId, word, actor, add: true });
}

/** Removes a word from the study's list and rescans. 404 when the study has no such word. */
export async function removeWord(
  db: Tx,
  { studyId, word, actor = 'admin' }: { studyId: string; word: string; actor?: string },
): Promise<ScanResult> {
  return changeWord(db, { studyId, word, actor, add: false });
}

/** Rescans the study (the admin's "scan again"). */
export async function rescanStudy(
  db: Tx,
  { studyId, actor = 'admin' }: { studyId: string; actor?: string },
): Promise<ScanResult> {
  return db.transaction(async (tx) => {
    await requireStudy(tx, { id: studyId });
    const result = await scanStudy(tx, { studyId, force: true });
    await recordAdminAction(tx, { studyId, actor, action: 'integrity_rescan' });
    return result;
  });
}
