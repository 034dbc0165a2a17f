import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { importFile } from '../../../server/imports/service.ts';
import { createScanner, type Scanner } from '../../../server/integrity/scan.ts';
import { runJudging } from '../../../server/llm/runner.ts';
import { getDashboardSnapshot } from '../../../server/readmodel/dashboard-snapshot.ts';
import { getPairStates } from '../../../server/readmodel/pair-sequences.ts';
import { pairStudy } from '../../../server/pairing/service.ts';
import { createRng } from '../../../server/stats/rng.ts';
import type { FlaggedOutput, IntegrityView } from '../../../shared/integrity-api.ts';
import type { Report } from '../../../shared/report.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges } from '../../helpers/factories.ts';
import { startFakeLlm, type FakeLlm } from '../../helpers/fake-llm.ts';
import { cleanTrace, leakSentence } from '../../unit/integrity/clinical-text.ts';
import { testRunOptions } from '../llm/setup.ts';

const SYSTEMS = ['medgemma-4b', 'qwen2.5-7b-instruct', 'gpt-4o-mini', 'base'];
const ITEMS = 120;

/**
 * The identity-leak hold as part of a study (docs/integrity.md): a fixture study imported from a
 * JSONL file in which one output in twenty names its own system, another system of the study, a
 * model or a vendor; the flags stored at import and pairing, the admin's decisions over HTTP, what
 * a human judge (HTTP) and an LLM judge (its prompts) receive, and the report's counts.
 */
describe.each(backends())('identity-leak holds on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let fake: FakeLlm;
  let admin: Record<string, string>;
  let dir: string;
  let studyId: string;
  let scanner: Scanner;
  /** "item\tsystem" of every output given a leaking sentence. */
  const leaked = new Set<string>();

  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    admin = { authorization: `Bearer ${await createAdminToken(tdb.db)}` };
    fake = await startFakeLlm({ latencyMs: 1 });
    dir = await mkdtemp(join(tmpdir(), 'ta-holds-'));
    const rng = createRng(16_001);
    const lines: string[] = [];
    for (let i = 0; i < ITEMS; i++) {
      const id = `case-${String(i).padStart(3, '0')}`;
      const outputs: Record<string, { trace: string; answer: string }> = {};
      for (const system of SYSTEMS) {
        const sentences = cleanTrace(rng, 6);
        if (rng.nextFloat() < 0.05) {
          sentences.splice(rng.nextInt(7), 0, leakSentence(rng, system, SYSTEMS.slice(0, 3)));
          leaked.add(`${id}\t${system}`);
        }
        outputs[system] = { trace: sentences.join(' '), answer: 'Community-acquired pneumonia.' };
      }
      lines.push(JSON.stringify({ id, question: `Case ${i}: the diagnosis?`, outputs }));
    }
    const file = join(dir, 'items.jsonl');
    await writeFile(file, lines.join('\n') + '\n');
    const imported = await importFile(tdb.db, { study: { name: 'holds' }, path: file });
    studyId = (await app.inject({ method: 'GET', url: '/api/studies', headers: admin }))
      .json<Array<{ id: string; name: string }>>()
      .find((s) => s.name === 'holds')!.id;
    expect(imported.outputsCreated).toBe(ITEMS * SYSTEMS.length);
    scanner = createScanner({ systemNames: SYSTEMS });
  }, 300_000);
  afterAll(async () => {
    await app.close();
    await fake.close();
    await tdb.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const view = async () =>
    (
      await app.inject({ method: 'GET', url: `/api/studies/${studyId}/integrity`, headers: admin })
    ).json<IntegrityView>();
  const decide = (f: FlaggedOutput, body: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: `/api/studies/${studyId}/integrity/outputs/${f.outputId}/decision`,
      headers: admin,
      payload: body,
    });

  it('flags at import at least 95% of the leaking outputs and at most 1% of the clean ones, held', async () => {
    const v = await view();
    expect(leaked.size).toBeGreaterThan(10);
    const flagged = new Set(v.flags.map((f) => `${f.item}\t${f.system}`));
    const caught = [...leaked].filter((k) => flagged.has(k)).length;
    const falseFlags = [...flagged].filter((k) => !leaked.has(k)).length;
    const clean = ITEMS * SYSTEMS.length - leaked.size;
    expect(caught / leaked.size).toBeGreaterThanOrEqual(0.95);
    expect(falseFlags / clean).toBeLessThanOrEqual(0.01);
    expect(v.outputs).toBe(ITEMS * SYSTEMS.length);
    expect(v.skippedSystemNames).toEqual(['base']);
    for (const f of v.flags) {
      expect(f.status).toBe('held');
      expect(f.matches.length).toBeGreaterThan(0);
      // the offsets point at the matched words
      for (const m of f.matches) expect(f[m.field].slice(m.start, m.end)).toBe(m.text);
    }
  }, 120_000);

  let flags: FlaggedOutput[];
  let redacted: FlaggedOutput;
  let excluded: FlaggedOutput;
  let released: FlaggedOutput;

  it('holds the comparisons of flagged outputs at pairing; the admin releases, redacts, excludes', async () => {
    const paired = await pairStudy(tdb.db, studyId, {
      allPairs: false,
      base: 'base',
      seed: 'holds',
      judgesPerComparison: 1,
    });
    expect(paired.comparisonsCreated).toBe(ITEMS * 3);
    flags = (await view()).flags;
    // three flagged candidate outputs on items where nothing else is flagged
    const alone = flags.filter(
      (f) => f.system !== 'base' && flags.filter((g) => g.item === f.item).length === 1,
    );
    expect(alone.length).toBeGreaterThanOrEqual(3);
    [redacted, excluded, released] = alone as [FlaggedOutput, FlaggedOutput, FlaggedOutput];

    // a redaction that still names a system is refused, in one line, and changes nothing
    const bad = await decide(redacted, { action: 'redact', trace: 'As medgemma-4b, I think B.' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^redacted trace: offset 0: 'As medgemma-4b' still names/);

    const r = await decide(redacted, { action: 'redact' });
    expect(r.statusCode).toBe(200);
    const after = r.json<FlaggedOutput>();
    expect(after.status).toBe('redacted');
    expect(after.trace).toBe(redacted.trace); // the original is kept beside the redaction
    expect(after.redactedTrace).toContain('[redacted]');
    expect(scanner.scan(after.redactedTrace!)).toEqual([]);
    redacted = after;
    expect((await decide(excluded, { action: 'exclude' })).json().status).toBe('excluded');
    expect((await decide(released, { action: 'release' })).json().status).toBe('released');
    const missing = await app.inject({
      method: 'POST',
      url: `/api/studies/${studyId}/integrity/outputs/00000000-0000-4000-8000-000000000000/decision`,
      headers: admin,
      payload: { action: 'release' },
    });
    expect(missing.statusCode).toBe(404);
  }, 120_000);

  it('no flagged text reaches a human judge; the redacted text is what the judge sees', async () => {
    const [judge] = await makeJudges(tdb.db, studyId, 1);
    const headers = { authorization: `Bearer ${judge!.token}` };
    const received: string[] = [];
    let served = 0;
    let sawRedaction = false;
    for (;;) {
      const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
      received.push(next.body);
      if (next.statusCode === 204) break;
      type Side = { trace: string; answer: string };
      const a = next.json<{ assignment: { id: string; left: Side; right: Side } }>().assignment;
      served++;
      for (const side of [a.left, a.right]) {
        // every text a judge gets scans clean, except the one output the admin released
        if (side.trace !== released.trace) expect(scanner.scan(side.trace)).toEqual([]);
        expect(side.trace).not.toBe(redacted.trace);
        expect(side.trace).not.toBe(excluded.trace);
        if (side.trace === redacted.redactedTrace) sawRedaction = true;
      }
      const v = await app.inject({
        method: 'POST',
        url: `/api/judge/assignments/${a.id}/verdict`,
        headers,
        payload: { winner: 'left', axes: {} },
      });
      expect(v.statusCode).toBe(200);
    }
    expect(sawRedaction).toBe(true);
    // every comparison but those of held and excluded outputs was served
    const counts = (await view()).counts;
    const held = new Set<string>();
    for (const f of flags)
      if (f.outputId !== redacted.outputId && f.outputId !== released.outputId)
        for (const s of f.system === 'base' ? SYSTEMS.slice(0, 3) : [f.system])
          held.add(`${f.item}\t${s}`);
    expect(served).toBe(ITEMS * 3 - held.size);
    const base = counts.find((c) => c.system === 'base')!;
    expect(base.held + base.excluded).toBe(held.size);
    expect(base.excluded).toBe(1);
    expect(base.redacted).toBe(1);
    expect(base.released).toBe(1);
    // nor anywhere in what the server sent (the texts as the JSON bodies carry them)
    for (const body of received)
      for (const f of flags)
        if (f.outputId !== released.outputId)
          expect(body).not.toContain(JSON.stringify(f.trace).slice(1, -1));
  }, 300_000);

  it('an LLM judge is sent the redaction and never a held, excluded or redacted original', async () => {
    const before = fake.requests.length;
    const summary = await runJudging(tdb, testRunOptions(studyId, fake.openaiBaseUrl));
    expect(summary.status).toBe('completed');
    const prompts = fake.requests.slice(before).map((r) => r.text);
    expect(prompts.length).toBeGreaterThan(0);
    expect(prompts.some((p) => p.includes(redacted.redactedTrace!))).toBe(true);
    for (const p of prompts)
      for (const f of flags) if (f.outputId !== released.outputId) expect(p).not.toContain(f.trace);
  }, 300_000);

  it('the report counts held, redacted and excluded comparisons per system, in every format', async () => {
    const report = async (format?: string) =>
      app.inject({
        method: 'GET',
        url: `/api/studies/${studyId}/report${format ? `?format=${format}` : ''}`,
        headers: admin,
      });
    const r1 = (await report()).json<Report>();
    const counts = (await view()).counts;
    expect(r1.integrity).toEqual(counts);
    const sys = released.system;
    const row = (r: Report) => r.integrity!.find((c) => c.system === sys)!;
    // excluding a comparison already judged takes its verdicts out of the report
    await decide(released, { action: 'exclude' });
    const r2 = (await report()).json<Report>();
    expect(row(r2).excluded).toBe(row(r1).excluded + 1);
    expect(row(r2).released).toBe(row(r1).released - 1);
    // the human's verdict and the LLM's on that comparison
    expect(r2.input.verdicts).toBe(r1.input.verdicts - 2);
    // and out of the live dashboard's figures too (they still counted it: an audit's study showed
    // n = 20 there beside the report's 10), so also out of auto-stop's and allocation's sequences
    const live = (await getDashboardSnapshot(tdb.db, { studyId }))!;
    expect(live.totals.verdicts).toBe(r2.input.verdicts);
    for (const p of r2.pairs) {
      const shown = live.pairs.find((q) => q.a === p.a && q.b === p.b)!;
      expect([shown.n, shown.winRate, shown.ci], `${p.a} vs ${p.b}`).toEqual([
        p.n,
        p.winRate,
        p.ci,
      ]);
    }
    const states = await getPairStates(tdb.db, { studyId, targetHalfWidth: null });
    for (const p of r2.pairs) {
      const state = states.find((q) => q.a === p.a && q.b === p.b)!;
      // the sequences read human verdicts
      expect(state.n, `${p.a} vs ${p.b}`).toBe(p.byJudgeKind.human?.n ?? 0);
    }
    for (const [format, heading] of [
      ['markdown', '## Identity leaks'],
      ['html', '<h2>Identity leaks</h2>'],
      ['latex', 'Identity leaks'],
    ] as const) {
      const body = (await report(format)).body;
      expect(body, format).toContain(heading);
      expect(body, format).toMatch(new RegExp(`${sys.replaceAll('.', '\\.')}.*${row(r2).held}`));
    }
  }, 300_000);
});
