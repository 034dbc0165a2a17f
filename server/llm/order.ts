import type PQueue from 'p-queue';
import type { Db } from '../db/client.ts';
import { parseVerdict } from './parse.ts';
import { costOf, estimateCost, type Price } from './prices.ts';
import { promptSize, type ComparisonContent } from './prompt.ts';
import { classifyError, type ProviderCallError } from './providers/errors.ts';
import type { Provider } from './providers/contract.ts';
import type { CacheWriter, CallResult, ResultWriter } from './record.ts';
import type { LeasedSlot } from '../judging/service.ts';
import { reserveBudget } from './repository.ts';
import type {
  AttemptOutcome,
  JudgeSettings,
  ParsedVerdict,
  Prompt,
  ProviderReply,
} from './types.ts';

export interface OrderContext {
  db: Db;
  runId: string;
  studyId: string;
  provider: Provider;
  queue: PQueue;
  writer: ResultWriter;
  cache: CacheWriter;
  maxErrorAttempts: number;
  budgeted: boolean;
  redact: (s: string) => string;
  isStopped: () => boolean;
  onBudgetExhausted: () => void;
  /** Stops the run at once on an error every call would get (a bad key, a long quota wait). */
  onFatal: (error: string) => void;
  shouldNotify: () => boolean;
  slot: LeasedSlot;
  content: ComparisonContent;
  shownLeft: 'a' | 'b';
  /** The request, its cache key, and the cached response if there is one (looked up per batch). */
  prepared: {
    prompt: Prompt;
    body: Record<string, unknown>;
    key: string;
    cached: Record<string, unknown> | null;
  };
  settings: JudgeSettings;
  price: Price | null;
  priorErrors: number;
  /**
   * Marks this order finished (settled: a verdict or a final failure) and tells whether it was the
   * slot's last open order with every order settled, so the slot is completed in the same transaction.
   */
  finishOrder: (settled: boolean) => boolean;
}

export type OrderEnd =
  | {
      kind: 'recorded';
      settled: boolean;
      inserted: boolean;
      failedForGood: boolean;
      paid: boolean;
      cached: boolean;
      inputTokens: number;
      outputTokens: number;
      costUsd: number;
      transportError: boolean;
      error: string | null;
    }
  | { kind: 'stopped' }
  | { kind: 'fatal'; error: string };

interface Judged {
  verdict: ParsedVerdict | null;
  outcome: AttemptOutcome;
}

type CallOutcome =
  | {
      kind: 'reply';
      reply: ProviderReply;
      judged: Judged;
      ms: number;
      reserved: number;
      /** Whether the response is in the cache, once its write ends (false: the result writes it). */
      cacheStored: Promise<boolean>;
    }
  | { kind: 'recorded'; end: OrderEnd }
  | { kind: 'error'; err: ProviderCallError; ms: number; reserved: number }
  | { kind: 'stopped' };

const RAW_LIMIT = 20_000;

/** Judges one order of one slot: from the cache when possible, else one paid call (with retries). */
export async function processOrder(ctx: OrderContext): Promise<OrderEnd> {
  const { provider, settings, shownLeft } = ctx;
  const { prompt, body, key, cached } = ctx.prepared;

  const base = {
    runId: ctx.runId,
    studyId: ctx.studyId,
    assignmentId: ctx.slot.id,
    comparisonId: ctx.slot.comparisonId,
    judgeId: ctx.slot.judgeId,
    shownLeft,
    leasedAt: ctx.slot.leasedAt,
    cacheKey: key,
  };

  if (cached) {
    const reply = provider.fromBody(cached);
    return recordReply(ctx, base, reply, judge(ctx, reply), {
      cached: true,
      ms: null,
      reserved: 0,
      cacheStored: true,
    });
  }

  let errors = ctx.priorErrors;
  for (;;) {
    if (ctx.isStopped()) {
      ctx.finishOrder(false);
      return { kind: 'stopped' };
    }
    const estimate = ctx.budgeted
      ? estimateCost({ ...promptSize(prompt), maxTokens: settings.maxTokens }, ctx.price)
      : 0;
    const outcome = await ctx.queue.add(async (): Promise<CallOutcome> => {
      if (ctx.isStopped()) return { kind: 'stopped' };
      if (ctx.budgeted && !(await reserveBudget(ctx.db, { runId: ctx.runId, amount: estimate }))) {
        ctx.onBudgetExhausted();
        return { kind: 'stopped' };
      }
      const t0 = performance.now();
      let reply: ProviderReply;
      try {
        reply = await provider.call(body);
      } catch (err) {
        const classified = classifyError(err, ctx.redact);
        // before the attempt is written: the queue would start further calls meanwhile (a bad
        // key's run sent 10 requests, an hour's quota 7 to 12, where the first answer said enough)
        if (classified.fatal) ctx.onFatal(classified.message);
        return {
          kind: 'error',
          err: classified,
          ms: Math.round(performance.now() - t0),
          reserved: estimate,
        };
      }
      const ms = Math.round(performance.now() - t0);
      // A paid answer is stored before this call's slot is freed, or is one of at most C being
      // written (CacheWriter), so a kill loses at most 2 x --concurrency answers: one that gave a
      // verdict goes into the cache at once (its verdict follows in a group commit); any other is
      // recorded whole.
      const judged = judge(ctx, reply);
      if (judged.outcome !== 'ok') {
        const end = await recordReply(ctx, base, reply, judged, {
          cached: false,
          ms,
          reserved: estimate,
          cacheStored: false,
        });
        return { kind: 'recorded', end };
      }
      const cacheStored = ctx.cache.write({
        key,
        provider: provider.name,
        model: settings.model,
        body: reply.body,
        inputTokens: reply.usage.inputTokens,
        outputTokens: reply.usage.outputTokens,
        costUsd: costOf(reply.usage, ctx.price),
      });
      await ctx.cache.hasRoom();
      return { kind: 'reply', reply, judged, ms, reserved: estimate, cacheStored };
    });
    if (outcome.kind === 'stopped') {
      ctx.finishOrder(false);
      return { kind: 'stopped' };
    }
    if (outcome.kind === 'recorded') return outcome.end;
    if (outcome.kind === 'reply') {
      return recordReply(ctx, base, outcome.reply, outcome.judged, {
        cached: false,
        ms: outcome.ms,
        reserved: outcome.reserved,
        cacheStored: await outcome.cacheStored,
      });
    }

    errors++;
    const err = outcome.err;
    const finalFailure = !err.fatal && (err.rejected || errors >= ctx.maxErrorAttempts);
    const completeSlot = err.fatal
      ? (ctx.finishOrder(false), false)
      : finalFailure
        ? ctx.finishOrder(true)
        : false;
    const result: CallResult = {
      ...base,
      outcome: 'error',
      verdict: null,
      cached: false,
      cacheEntry: null,
      raw: null,
      error: err.message,
      httpStatus: err.status,
      latencyMs: outcome.ms,
      usage: { inputTokens: 0, outputTokens: 0 },
      costUsd: 0,
      reservedUsd: outcome.reserved,
      paid: true,
      failedForGood: finalFailure,
      completeSlot,
      notify: false,
    };
    await ctx.writer.write(result);
    if (err.fatal) return { kind: 'fatal', error: err.message };
    if (finalFailure) {
      return {
        kind: 'recorded',
        settled: true,
        inserted: false,
        failedForGood: true,
        paid: true,
        cached: false,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        // a request the provider refused (400, 413, 422) fails alone: the provider answered, so
        // it is no sign of an outage and does not count toward the run's breaker
        transportError: !err.rejected,
        error: err.message,
      };
    }
  }
}

function judge(ctx: OrderContext, reply: ProviderReply): Judged {
  const verdict = reply.refusal ? null : parseVerdict(reply, ctx.content.axes);
  return { verdict, outcome: reply.refusal ? 'refused' : verdict ? 'ok' : 'parse_failed' };
}

async function recordReply(
  ctx: OrderContext,
  base: Pick<
    CallResult,
    | 'runId'
    | 'studyId'
    | 'assignmentId'
    | 'comparisonId'
    | 'judgeId'
    | 'shownLeft'
    | 'leasedAt'
    | 'cacheKey'
  >,
  reply: ProviderReply,
  { verdict, outcome }: Judged,
  {
    cached,
    ms,
    reserved,
    cacheStored,
  }: { cached: boolean; ms: number | null; reserved: number; cacheStored: boolean },
): Promise<OrderEnd> {
  const paid = !cached;
  const costUsd = paid ? costOf(reply.usage, ctx.price) : 0;
  const completeSlot = ctx.finishOrder(true);
  const inserted = await ctx.writer.write({
    ...base,
    outcome,
    verdict,
    cached,
    cacheEntry:
      paid && outcome === 'ok' && !cacheStored
        ? { provider: ctx.provider.name, model: ctx.settings.model, body: reply.body }
        : null,
    raw: (reply.refusal ?? reply.text).slice(0, RAW_LIMIT),
    error: null,
    httpStatus: cached ? null : 200,
    latencyMs: ms,
    usage: reply.usage,
    costUsd,
    reservedUsd: reserved,
    paid,
    failedForGood: outcome !== 'ok',
    completeSlot,
    notify: ctx.shouldNotify(),
  });
  return {
    kind: 'recorded',
    settled: true,
    inserted,
    failedForGood: outcome !== 'ok',
    paid,
    cached,
    inputTokens: paid ? reply.usage.inputTokens : 0,
    outputTokens: paid ? reply.usage.outputTokens : 0,
    costUsd,
    transportError: false,
    error: null,
  };
}
