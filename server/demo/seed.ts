import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../db/client.ts';
import { createInvite, getJudgeByToken, reissueInvite } from '../auth/service.ts';
import { importFile, setGoldByExternalIds } from '../imports/service.ts';
import { pairStudy } from '../pairing/service.ts';
import { createStudy, getStudyByName } from '../studies/service.ts';
import { demoItems } from './content.ts';

export const DEMO_STUDY = 'demo';
export const DEMO_JUDGES = ['dr-ada', 'dr-bo', 'dr-cy'] as const;

const GUIDELINES = `You will see a medical question, usually with an image, and two reasoning traces written by
two anonymous systems, shown as **Left** and **Right**. Judge the *reasoning*, not only the final answer.

- **Perception**: does the trace describe what the image actually shows?
- **Medical knowledge**: are the facts and criteria it relies on correct?
- **Rationale**: does the conclusion follow from the findings, step by step?

Choose *tie* when neither is better. Use *can't judge* when you lack the expertise or the image is unreadable.`;

/**
 * Seeds the demo study once (through the real import path), then gives the three demo judges
 * their tokens: `previous` ones (by judge name) while still theirs, else fresh ones. Returns them.
 */
export async function seedDemo(
  db: Db,
  { previous = {} }: { previous?: Record<string, string> } = {},
): Promise<{ created: boolean; tokens: Array<{ name: string; token: string }> }> {
  let study = await getStudyByName(db, { name: DEMO_STUDY });
  const created = !study;
  if (!study) {
    study = await createStudy(db, {
      name: DEMO_STUDY,
      axes: ['perception', 'medical_knowledge', 'rationale'],
      guidelines: GUIDELINES,
      judgesPerComparison: 2,
      leaseSeconds: 600,
      requireAxes: false,
    });
    const dir = await mkdtemp(join(tmpdir(), 'tracearena-demo-'));
    try {
      const demo = demoItems();
      const lines: string[] = [];
      for (const item of demo) {
        await writeFile(join(dir, `${item.id}.png`), item.image);
        lines.push(
          JSON.stringify({
            id: item.id,
            question: item.question,
            images: [`${item.id}.png`],
            reference: item.reference,
            modality: item.modality,
            outputs: item.outputs,
          }),
        );
      }
      await writeFile(join(dir, 'demo.jsonl'), `${lines.join('\n')}\n`);
      await importFile(db, {
        study: { id: study.id },
        path: join(dir, 'demo.jsonl'),
        displayName: 'demo.jsonl',
        actor: 'demo',
      });
      const gold = demo.filter((i) => i.gold).map((i) => i.id);
      await setGoldByExternalIds(db, {
        studyId: study.id,
        externalIds: gold,
        gold: { a: 'sft', b: 'base', winner: 'a' },
      });
      await pairStudy(
        db,
        study.id,
        { base: 'base', allPairs: false, seed: 'demo', judgesPerComparison: 2 },
        'demo',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const tokens: Array<{ name: string; token: string }> = [];
  for (const name of DEMO_JUDGES) {
    // Tokens are stored hashed: a re-run keeps a judge's token when the caller still has it (so
    // the links handed out stay valid), else issues the existing demo judge a new one.
    const kept = previous[name];
    const holder = kept ? await getJudgeByToken(db, { token: kept }) : null;
    const token =
      (await createInvite(db, { studyId: study.id, name }))?.token ??
      (holder && holder.studyId === study.id && holder.name === name && !holder.revokedAt
        ? kept
        : await reissueInvite(db, { studyId: study.id, name }));
    if (!token) throw new Error(`demo judge '${name}' could not be invited`);
    tokens.push({ name, token });
  }
  return { created, tokens };
}
