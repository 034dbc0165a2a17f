/**
 * Adjudication (issue 18): comparisons whose K human verdicts split reach an adjudicator, blind,
 * with the earlier verdicts and notes but no judge's name nor any system identity; the final
 * verdict lands beside the originals; the report with adjudication differs from the default
 * exactly by those comparisons (HTTP option and `tracearena report --adjudicated`).
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../../server/db/client.ts';
import { verdictRows, type VerdictRow } from '../../../server/readmodel/verdict-rows.ts';
import { adjudicateDisagreements, judgeEveryComparison } from './adjudication-setup.ts';
import { backends } from '../../helpers/db.ts';
import { useTestApp } from '../../helpers/app.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';
import { runCli } from '../../helpers/processes.ts';

const onPostgres = backends().includes('postgres') ? describe : describe.skip;

onPostgres('adjudication of split comparisons', () => {
  const t = useTestApp('postgres');

  const { req } = t;

  const all = async (it: AsyncIterable<VerdictRow>) => {
    const out: VerdictRow[] = [];
    for await (const r of it) out.push(r);
    return out;
  };

  it('sends split comparisons to the adjudicator without names; the adjudicated report differs exactly by them', async () => {
    const study = await makePairedStudy(t.tdb.db, { items: 6, k: 2 });
    const [j0, j1, referee] = await makeJudges(t.tdb.db, study.studyId, 3);
    await adjudicateDisagreements(t, study.studyId);
    // Two judges give every comparison a verdict: the first always left, the second left on its
    // even-numbered items and right on the odd ones (sides are drawn per slot, so splits vary).
    for (const [judge, pick] of [
      [j0!, () => 'left'],
      [j1!, (q: number) => (q % 2 ? 'right' : 'left')],
    ] as const)
      await judgeEveryComparison(t, judge.token, (question) => {
        const q = Number(/Question (\d+)/.exec(question)![1]);
        return {
          winner: pick(q),
          axes: {},
          note: `reading ${q}: the left trace ${pick(q) === 'left' ? 'wins' : 'loses'}`,
        };
      });
    const split = await queryRows<{ comparison_id: string }>(
      t.tdb.db,
      sql`select v.comparison_id from verdicts v join comparisons c on c.id = v.comparison_id
        where c.study_id = ${study.studyId} group by v.comparison_id having count(distinct v.winner) > 1`,
    );
    expect(split.length).toBeGreaterThan(0);

    // Not an adjudicator yet: refused.
    expect((await req(referee!.token, 'POST', '/api/judge/adjudication/next')).statusCode).toBe(
      403,
    );
    const flag = await req(
      t.admin,
      'PUT',
      `/api/studies/${study.studyId}/judges/${referee!.id}/adjudicator`,
      { adjudicator: true },
    );
    expect(flag.statusCode, flag.body).toBe(200);

    const secrets = [
      j0!.name,
      j1!.name,
      referee!.name,
      'sft',
      'base',
      ...Object.values(study.systemIds),
      ...split.map((s) => s.comparison_id),
    ];
    const adjudicated: string[] = [];
    for (;;) {
      const next = await req(referee!.token, 'POST', '/api/judge/adjudication/next');
      if (next.statusCode === 204) break;
      expect(next.statusCode, next.body).toBe(200);
      const body = next.body;
      // The blinding walk: nothing names a judge or a system, nor the comparison.
      for (const s of secrets) expect(body, `leaks ${s}`).not.toContain(s);
      const view = next.json();
      expect(view.earlier).toHaveLength(2);
      expect(new Set(view.earlier.map((e: { winner: string }) => e.winner)).size).toBe(2);
      for (const e of view.earlier) expect(e.note).toMatch(/^reading \d: the left trace/);
      expect(Object.keys(view).sort()).toEqual(
        ['axes', 'earlier', 'id', 'item', 'left', 'right', 'waiting'].sort(),
      );
      const done = await req(referee!.token, 'POST', `/api/judge/adjudication/${view.id}`, {
        winner: 'tie',
        reason: 'Both traces miss the same finding.',
      });
      expect(done.statusCode, done.body).toBe(200);
      adjudicated.push(view.id);
    }
    expect(adjudicated).toHaveLength(split.length);

    // Both kept: the original verdicts and the adjudications.
    const [{ n: verdictCount }] = (await queryRows<{ n: number }>(
      t.tdb.db,
      sql`select count(*)::int as n from verdicts v join comparisons c on c.id = v.comparison_id where c.study_id = ${study.studyId}`,
    )) as [{ n: number }];
    expect(verdictCount).toBe(12);

    // The rows differ exactly by the split comparisons: their 2 human verdicts become 1 tie.
    const original = await all(verdictRows(t.tdb.db, { studyId: study.studyId }));
    const withAdj = await all(verdictRows(t.tdb.db, { studyId: study.studyId, adjudicated: true }));
    const splitItems = new Set(
      (
        await queryRows<{ item: string }>(
          t.tdb.db,
          sql`select i.external_id as item from adjudications d join comparisons c on c.id = d.comparison_id
            join items i on i.id = c.item_id where d.study_id = ${study.studyId} and d.status = 'done'`,
        )
      ).map((r) => r.item),
    );
    expect(splitItems.size).toBe(split.length);
    const key = (r: VerdictRow) => r.verdict_id;
    expect(withAdj.filter((r) => !splitItems.has(r.item)).map(key)).toEqual(
      original.filter((r) => !splitItems.has(r.item)).map(key),
    );
    const replaced = withAdj.filter((r) => splitItems.has(r.item));
    expect(replaced).toHaveLength(split.length);
    for (const r of replaced) {
      expect(r.winner).toBe('tie');
      expect(r.judge).toBe(referee!.name);
      expect(r.note).toBe('Both traces miss the same finding.');
    }

    // The HTTP report: default on the original verdicts, the option with adjudication; each says which.
    const base = `/api/studies/${study.studyId}/report`;
    const plain = (await req(t.admin, 'GET', base)).json();
    const adj = (await req(t.admin, 'GET', `${base}?adjudicated=true`)).json();
    expect(plain.verdictBasis).toEqual({ basis: 'original', adjudicatedComparisons: split.length });
    expect(adj.verdictBasis).toEqual({
      basis: 'adjudicated',
      adjudicatedComparisons: split.length,
    });
    expect(plain.provenance.verdicts.count).toBe(12);
    expect(adj.provenance.verdicts.count).toBe(12 - split.length);
    const md = (await req(t.admin, 'GET', `${base}?adjudicated=true&format=markdown`)).body;
    expect(md).toContain(`Computed with adjudication: ${split.length} comparison`);

    // The CLI: report --adjudicated gives the same figures as the HTTP option.
    const cli = await runCli(
      ['report', '--study', study.name, '--adjudicated', '--format', 'json'],
      { DATABASE_URL: t.tdb.url },
    );
    expect(cli.code, cli.stderr).toBe(0);
    const fromCli = JSON.parse(cli.stdout);
    expect(fromCli.verdictBasis).toEqual(adj.verdictBasis);
    expect(fromCli.pairs).toEqual(adj.pairs);
    expect(fromCli.provenance.verdicts).toEqual(adj.provenance.verdicts);
    const cliPlain = JSON.parse(
      (
        await runCli(['report', '--study', study.name, '--format', 'json'], {
          DATABASE_URL: t.tdb.url,
        })
      ).stdout,
    );
    expect(cliPlain.verdictBasis.basis).toBe('original');
    expect(cliPlain.provenance.verdicts).toEqual(plain.provenance.verdicts);

    // export --adjudicated writes what the HTTP export's option writes, and stats on it gives the
    // adjudicated report's figures (the CLI had no such option: report --adjudicated had no file)
    const exported = await runCli(['export', '--study', study.name, '--adjudicated'], {
      DATABASE_URL: t.tdb.url,
    });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toBe(
      (await req(t.admin, 'GET', `/api/studies/${study.studyId}/export?adjudicated=true`)).body,
    );
    expect(exported.stdout.trim().split('\n')).toHaveLength(12 - split.length);

    // The audit trail records each adjudication (who, which comparison, the final verdict and its
    // reason), so the report rebuilt from the audit export says what the study's report says.
    const trail = (await req(t.admin, 'GET', `/api/studies/${study.studyId}/audit`)).body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown> & { data: Record<string, unknown> });
    const adjudications = trail.filter((e) => e.kind === 'adjudication');
    expect(adjudications.map((e) => e.comparison_id).sort()).toEqual(
      split.map((r) => r.comparison_id).sort(),
    );
    for (const e of adjudications) {
      expect(e).toMatchObject({ actor: `judge:${referee!.id}`, judge_id: referee!.id });
      expect(e.data).toMatchObject({ winner: 'tie', reason: 'Both traces miss the same finding.' });
    }
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'ta-adj-audit-'));
    try {
      const file = join(dir, 'audit.jsonl');
      await writeFile(file, trail.map((e) => JSON.stringify(e)).join('\n') + '\n');
      const rebuilt = await runCli(['report', '--from-audit', file, '--format', 'json']);
      expect(rebuilt.code, rebuilt.stderr).toBe(0);
      const fromAudit = JSON.parse(rebuilt.stdout);
      expect(fromAudit.verdictBasis).toEqual(plain.verdictBasis);
      // the trail keeps output lengths, not texts: no style-controlled figure (docs/audit.md)
      const unstyled = (pairs: Array<Record<string, unknown> & { reasons: object }>) =>
        pairs.map(({ styleControlled: _s, reasons, ...rest }) => {
          const { styleControlled: _r, ...others } = reasons as Record<string, unknown>;
          return { ...rest, reasons: others };
        });
      expect(unstyled(fromAudit.pairs)).toEqual(unstyled(plain.pairs));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
