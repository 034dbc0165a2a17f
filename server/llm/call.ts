import PQueue from 'p-queue';
import type { Db } from '../db/client.ts';
import { completeSlots, type LeasedSlot } from '../judging/service.ts';
import { cacheKey } from './cache.ts';
import type { RunOptions } from './config.ts';
import { processOrder, type OrderContext, type OrderEnd } from './order.ts';
import type { Price } from './prices.ts';
import { buildPrompt, type ComparisonContent } from './prompt.ts';
import type { Provider } from './providers/contract.ts';
import { CacheWriter, ResultWriter } from './record.ts';
import { getCachedResponses, loadComparisonContents, settledOrders } from './repository.ts';
import type { RunLeases, SlotState } from './lease.ts';
import { errorLine } from './stored-text.ts';
import type { JudgeSettings } from './types.ts';

/** What every order of a run shares. */
type RunContext = Omit<
  OrderContext,
  | 'slot'
  | 'content'
  | 'shownLeft'
  | 'prepared'
  | 'settings'
  | 'price'
  | 'priorErrors'
  | 'finishOrder'
>;

/**
 * The calls of a run: turns leased slots into orders (one per side still to judge) and starts each
 * (order.ts: from the cache, or one paid call through the shared p-queue, which keeps
 * --concurrency calls in flight and spaces them by --rpm). An order's end is reported to `onEnd`.
 */
export class RunCalls {
  private readonly inflight = new Set<Promise<void>>();
  private readonly ctx: RunContext;

  constructor(
    private readonly db: Db,
    private readonly o: RunOptions,
    private readonly run: {
      runId: string;
      studyId: string;
      orders: 1 | 2;
      settings: JudgeSettings[];
      prices: Map<string, Price | null>;
      provider: Provider;
      leases: RunLeases;
      redact: (s: string) => string;
      isStopped: () => boolean;
      onBudgetExhausted: () => void;
      onFatal: (error: string) => void;
      shouldNotify: () => boolean;
      onEnd: (state: SlotState, end: OrderEnd) => void;
    },
  ) {
    this.ctx = {
      db,
      runId: run.runId,
      studyId: run.studyId,
      provider: run.provider,
      queue: new PQueue({
        concurrency: o.concurrency,
        ...(o.rpm ? { intervalCap: 1, interval: Math.max(1, Math.floor(60_000 / o.rpm)) } : {}),
      }),
      writer: new ResultWriter(db),
      cache: new CacheWriter(db, o.concurrency),
      maxErrorAttempts: o.maxErrorAttempts,
      budgeted: o.maxCostUsd !== null,
      redact: run.redact,
      isStopped: run.isStopped,
      onBudgetExhausted: run.onBudgetExhausted,
      onFatal: run.onFatal,
      shouldNotify: run.shouldNotify,
    };
  }

  /**
   * Starts the orders of newly leased slots: those not yet settled (by an earlier worker or run of
   * the same judge) are held and started; a slot with nothing left is completed at once.
   */
  async dispatch(leased: LeasedSlot[]): Promise<void> {
    const { db, o, run } = this;
    const contents = await loadComparisonContents(db, {
      comparisonIds: [...new Set(leased.map((l) => l.comparisonId))],
    });
    const { settled, errors } = await settledOrders(db, {
      runId: run.runId,
      assignmentIds: leased.map((l) => l.id),
      maxErrorAttempts: o.maxErrorAttempts,
    });
    const completeNow: string[] = [];
    const work: Array<{
      state: SlotState;
      content: ComparisonContent;
      side: 'a' | 'b';
      prepared: OrderContext['prepared'];
    }> = [];
    for (const slot of leased) {
      const content = contents.get(slot.comparisonId);
      const order: Array<'a' | 'b'> =
        run.orders === 2 ? [slot.shownLeft, slot.shownLeft === 'a' ? 'b' : 'a'] : [slot.shownLeft];
      const todo = order.filter((side) => !settled.has(`${slot.id}:${side}`));
      if (!content || todo.length === 0) {
        if (todo.length === 0) completeNow.push(slot.id);
        continue;
      }
      const state = run.leases.hold(slot, todo.length);
      const judge = run.settings[slot.slot]!;
      for (const side of todo) {
        const prompt = buildPrompt(content, side, {
          template: o.template,
          withReference: o.withReference,
        });
        const body = run.provider.buildBody(prompt, judge, content.axes);
        work.push({
          state,
          content,
          side,
          prepared: { prompt, body, key: cacheKey(run.provider.name, body), cached: null },
        });
      }
    }
    // One look-up for the whole batch: a re-run served from the cache costs no query per order.
    const cached = await getCachedResponses(db, { keys: work.map((w) => w.prepared.key) });
    for (const w of work) w.prepared.cached = cached.get(w.prepared.key) ?? null;
    for (const w of work)
      this.start(
        w.state,
        w.content,
        w.side,
        errors.get(`${w.state.slot.id}:${w.side}`) ?? 0,
        w.prepared,
      );
    if (completeNow.length) await completeSlots(db, { ids: completeNow });
  }

  private start(
    state: SlotState,
    content: ComparisonContent,
    shownLeft: 'a' | 'b',
    priorErrors: number,
    prepared: OrderContext['prepared'],
  ): void {
    const { run } = this;
    const settings = run.settings[state.slot.slot]!;
    let finished = false;
    const finishOrder = (settledOrder: boolean): boolean => {
      if (finished) return false;
      finished = true;
      state.remaining--;
      if (!settledOrder) state.allSettled = false;
      return state.remaining === 0 && state.allSettled;
    };
    const p = processOrder({
      ...this.ctx,
      slot: state.slot,
      content,
      shownLeft,
      prepared,
      settings,
      price: run.prices.get(settings.model) ?? null,
      priorErrors,
      finishOrder,
    })
      .catch((err: unknown): OrderEnd => {
        finishOrder(false);
        return { kind: 'fatal', error: run.redact(errorLine(err)) };
      })
      .then((end) => run.onEnd(state, end));
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  /** Waits for every order in flight; rejects if storing one's end failed. */
  async settle(): Promise<void> {
    await Promise.all([...this.inflight]);
  }

  /** Waits for every order in flight, whatever happens to them. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }
}
