import type { JudgeRow } from './service.ts';

/**
 * The human judges whose tokens passed, by token hash, for one database: a judge route's
 * authentication costs no query once a token is known. A judge leaves the cache when their token
 * stops working (revoked or reissued): in the process that did it at once, in every other process
 * on the 'judge-revoked' event. Unknown and revoked tokens are never kept (they are looked up each
 * time), so the cache holds at most the study's judges.
 */
export class JudgeCache {
  private readonly byHash = new Map<string, JudgeRow>();
  /** Bumped by every forget: a look-up that started before it must not store what it read. */
  private generation = 0;
  /** False while the events listener is down: a revocation elsewhere would not be heard. */
  private listening = true;

  get(hash: string): JudgeRow | undefined {
    return this.byHash.get(hash);
  }

  /** The moment a look-up starts; pass it to `remember` with what it read. */
  mark(): number {
    return this.generation;
  }

  remember(hash: string, judge: JudgeRow, mark: number): void {
    if (this.listening && mark === this.generation) this.byHash.set(hash, judge);
  }

  forget(judgeId: string): void {
    this.generation++;
    for (const [hash, judge] of this.byHash) if (judge.id === judgeId) this.byHash.delete(hash);
  }

  /** The events listener is lost (false) or back (true): either way, what was kept may be stale. */
  setListening(listening: boolean): void {
    this.listening = listening;
    this.generation++;
    this.byHash.clear();
  }
}

const caches = new WeakMap<object, JudgeCache>();

/** The cache of one database handle (the app's `db`: each app, and each test's app, has its own). */
export function judgeCacheOf(db: object): JudgeCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new JudgeCache();
    caches.set(db, cache);
  }
  return cache;
}
