import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';

/** The invite link a judge opens: the page reads the token from the fragment and drops it from the address bar. */
export function inviteUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/$/, '')}/judge#token=${token}`;
}

export async function listJudgeSummaries(db: Tx, { studyId }: { studyId: string }) {
  const result = await queryRows<{
    id: string;
    name: string;
    kind: 'human' | 'llm';
    quota: number | null;
    revoked: boolean;
    verdicts: number;
  }>(
    db,
    sql`
    select j.id, j.name, j.kind, j.quota, j.revoked_at is not null as revoked,
      (select count(*)::int from verdicts v where v.judge_id = j.id) as verdicts
    from judges j where j.study_id = ${studyId} order by j.created_at`,
  );
  return result;
}
