import type { Command } from 'commander';
import {
  integrityViewSchema,
  type FlaggedOutput,
  type FlagMatch,
  type IntegrityView,
} from '../../shared/integrity-api.ts';
import { addWord, integrityView, rescanStudy } from '../integrity/service.ts';
import { addDbOptions, addServerOptions, type DbOptions } from './common.ts';
import { onStudy, serverRequest, type RunningServer } from './running-server.ts';

interface ScanFlags extends DbOptions {
  study: string;
  words?: string;
  rescan?: boolean;
}

/** The study's flags through a server (`--server`, or the one holding the data folder). */
async function viewOnServer(
  server: RunningServer,
  studyId: string,
  flags: ScanFlags,
  words: string[],
): Promise<IntegrityView> {
  for (const word of words)
    await serverRequest(server, `/api/studies/${studyId}/integrity/words`, {
      method: 'POST',
      body: { word },
    });
  if (flags.rescan && words.length === 0)
    await serverRequest(server, `/api/studies/${studyId}/integrity/scan`, { method: 'POST' });
  const res = await serverRequest(server, `/api/studies/${studyId}/integrity`);
  return integrityViewSchema.parse(await res.json());
}

function describeMatch(m: FlagMatch): string {
  const what = m.kind === 'self-description' ? m.kind : `${m.kind} ${m.term}`;
  return `${JSON.stringify(m.text)} (${what}${m.selfDescribed && m.kind !== 'self-description' ? ', self-description' : ''})`;
}

/** One line of the list: item, system, decision, and what matched in the trace and the answer. */
export function flagLine(f: FlaggedOutput): string {
  const found = (['trace', 'answer'] as const)
    .map((field) => [field, f.matches.filter((m) => m.field === field)] as const)
    .filter(([, ms]) => ms.length > 0)
    .map(([field, ms]) => `${field}: ${ms.map(describeMatch).join(', ')}`);
  return `${f.item}\t${f.system}\t${f.status}\t${found.join('; ')}`;
}

/**
 * `tracearena scan --study S`: the study's flagged outputs as the admin page lists them
 * (docs/integrity.md), one line per output with its item, its system (this is the admin's tool,
 * not the judge's), the decision (held, released, redacted, excluded) and what matched. The flags
 * are those stored at import and at pairing; `--words` adds words to the study's list and
 * `--rescan` scans again first.
 */
export function register(program: Command): void {
  addServerOptions(
    addDbOptions(
      program
        .command('scan')
        .description(
          "list the study's outputs flagged for naming a system, a model or a vendor, or describing themselves as an AI, with the admin's decision (docs/integrity.md)",
        )
        .requiredOption('--study <name>', 'study name')
        .option(
          '--words <list>',
          "words to add to the study's list, comma-separated (matched everywhere); rescans",
        )
        .option('--rescan', 'scan the outputs again before listing'),
    ),
  ).action(async (flags: ScanFlags) => {
    const words = (flags.words ?? '')
      .split(',')
      .map((w) => w.trim())
      .filter((w) => w !== '');
    const view = await onStudy(flags, flags.study, {
      server: (server, studyId) => viewOnServer(server, studyId, flags, words),
      database: async ({ db }, study) => {
        for (const word of words) await addWord(db, { studyId: study.id, word, actor: 'cli' });
        if (flags.rescan && words.length === 0)
          await rescanStudy(db, { studyId: study.id, actor: 'cli' });
        return integrityView(db, { studyId: study.id });
      },
    });
    {
      let out = '';
      for (const f of view.flags) out += `${flagLine(f)}\n`;
      const by = (s: FlaggedOutput['status']) => view.flags.filter((f) => f.status === s).length;
      out +=
        `${view.flags.length} of ${view.outputs} outputs flagged (held ${by('held')}, released ${by('released')}, redacted ${by('redacted')}, excluded ${by('excluded')})` +
        (view.words.length > 0 ? `; the study's words: ${view.words.join(', ')}` : '') +
        (view.skippedSystemNames.length > 0
          ? `; system names not looked for (common words): ${view.skippedSystemNames.join(', ')}`
          : '') +
        '\n';
      process.stdout.write(out);
    }
  });
}
