import type { Command } from 'commander';
import { studyOutputTexts } from '../imports/service.ts';
import { createScanner, type ScanMatch } from '../integrity/scan.ts';
import { listSystems } from '../studies/service.ts';
import { addDbOptions, requireStudy, withDatabase } from './common.ts';

interface ScanFlags {
  study: string;
  words?: string;
  data?: string;
  databaseUrl?: string;
}

function describeMatch(m: ScanMatch): string {
  const what = m.kind === 'self-description' ? m.kind : `${m.kind} ${m.term}`;
  return `${JSON.stringify(m.text)} (${what}${m.selfDescribed && m.kind !== 'self-description' ? ', self-description' : ''})`;
}

/**
 * `tracearena scan --study S`: the study's outputs that may reveal which system wrote them
 * (docs/integrity.md), one line per flagged output with its item, its system (this is the admin's
 * tool, not the judge's) and what matched in the trace and the answer.
 */
export function register(program: Command): void {
  addDbOptions(
    program
      .command('scan')
      .description(
        "list the study's outputs that name a system, a model or a vendor, or describe themselves as an AI (docs/integrity.md)",
      )
      .requiredOption('--study <name>', 'study name')
      .option('--words <list>', 'more words to look for, comma-separated (matched everywhere)'),
  ).action(async (flags: ScanFlags) => {
    await withDatabase(flags, async (database) => {
      const study = await requireStudy(database, flags.study);
      const systems = await listSystems(database.db, { studyId: study.id });
      const extraWords = (flags.words ?? '')
        .split(',')
        .map((w) => w.trim())
        .filter((w) => w !== '');
      const scanner = createScanner({ systemNames: systems.map((s) => s.name), extraWords });
      let scanned = 0;
      let flagged = 0;
      for await (const page of studyOutputTexts(database.db, { studyId: study.id })) {
        let out = '';
        for (const o of page) {
          scanned++;
          const fields = (['trace', 'answer'] as const)
            .map((field) => [field, scanner.scan(o[field])] as const)
            .filter(([, matches]) => matches.length > 0);
          if (fields.length === 0) continue;
          flagged++;
          const found = fields.map(([f, ms]) => `${f}: ${ms.map(describeMatch).join(', ')}`);
          out += `${o.externalId}\t${o.systemName}\t${found.join('; ')}\n`;
        }
        process.stdout.write(out);
      }
      const skipped = scanner.skippedSystemNames;
      process.stdout.write(
        `${flagged} of ${scanned} outputs flagged` +
          (skipped.length > 0
            ? `; system names not looked for (common words): ${skipped.join(', ')}`
            : '') +
          '\n',
      );
    });
  });
}
