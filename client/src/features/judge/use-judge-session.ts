import { useCallback, useEffect, useRef, useState } from 'react';
import type * as z from 'zod/mini';
import { ErrorCode } from '../../../../shared/error-codes.ts';
import type { JudgeAssignment } from '../../../../shared/judge-api.ts';
import { api, ApiError, NetworkError } from '../../lib/api.ts';
import { getToken, hadInvalidToken } from '../../lib/token.ts';
import {
  meResponse as judgeMeResponseSchema,
  nextResponse as judgeNextResponseSchema,
  skipResponse as skipResponseSchema,
  verdictResponse as verdictResponseSchema,
} from './wire.ts';
import { dropOutbox, pushOutbox, readOutbox, type OutboxEntry } from './storage.ts';
import { qualificationResponse, type Qualification } from './qualification-wire.ts';

export type JudgeMe = z.infer<typeof judgeMeResponseSchema>;
type Progress = JudgeMe['progress'];

export type Phase =
  | { kind: 'loading' }
  | { kind: 'judging'; assignment: JudgeAssignment; receivedAt: number }
  | { kind: 'finished' }
  /** The qualification phase: training comparisons before any real one (Training.tsx). */
  | { kind: 'training' }
  /** Failed the training's last attempt: waits for the admin's release. */
  | { kind: 'held' }
  | { kind: 'revoked' }
  /** A token that is malformed or that the server does not know (not the same as none at all). */
  | { kind: 'invalid' }
  | { kind: 'no-token' }
  | { kind: 'failed'; message: string };

export interface Notice {
  tone: 'info' | 'warn';
  text: string;
}

const RETRY_MS = [1000, 2000, 4000, 8000, 10_000];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The judge's session: who they are, the comparison on screen, and the outbox. Every verdict goes
 * to the outbox (localStorage) before it is sent and leaves it only once the server answered, so a
 * lost connection or a reload never loses it; the server treats the same verdict twice as a
 * no-op, so a retry never doubles it.
 */
export function useJudgeSession() {
  const [me, setMe] = useState<JudgeMe | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [phase, setPhase] = useState<Phase>(() =>
    // a mistyped link says so, even over an earlier valid one in this tab
    hadInvalidToken()
      ? { kind: 'invalid' }
      : getToken('judge')
        ? { kind: 'loading' }
        : { kind: 'no-token' },
  );
  const [offline, setOffline] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [qualification, setQualification] = useState<Qualification | null>(null);
  const running = useRef(false);
  /** The comparison after the one on screen, leased ahead so it shows at once after a submit. */
  const ahead = useRef<z.infer<typeof judgeNextResponseSchema> | null>(null);
  const again = useRef(false);
  /** Numbers each prefetch, so only the latest one's answer is kept. */
  const prefetchTicket = useRef(0);

  /** Retries a call while the network is down; any answer from the server ends the loop. */
  const withRetry = useCallback(async <T>(call: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await call();
        setOffline(false);
        return result;
      } catch (err) {
        if (!(err instanceof NetworkError)) throw err;
        setOffline(true);
        await sleep(RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)] ?? 10_000);
      }
    }
  }, []);

  const handleFatal = useCallback((err: unknown) => {
    if (err instanceof ApiError && err.status === 401) {
      setPhase({ kind: err.code === ErrorCode.InviteRevoked ? 'revoked' : 'invalid' });
      return;
    }
    setPhase({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
  }, []);

  /** Sends one outbox entry; returns false when the server refused it for good (and says why). */
  const sendEntry = useCallback(
    async (entry: OutboxEntry) => {
      try {
        const path = `/api/judge/assignments/${entry.assignmentId}/${entry.kind}`;
        const schema = entry.kind === 'verdict' ? verdictResponseSchema : skipResponseSchema;
        const res = await withRetry(() =>
          api('judge', path, schema, { method: 'POST', body: entry.body }),
        );
        dropOutbox(entry.assignmentId);
        if (res) setProgress(res.progress);
        return true;
      } catch (err) {
        if (!(err instanceof ApiError) || err.status === 401) throw err;
        dropOutbox(entry.assignmentId);
        if (err.code === ErrorCode.LeaseLost) {
          setNotice({
            tone: 'warn',
            text: 'Your time on the last comparison ran out and another judge took it, so that verdict was not counted.',
          });
        } else if (err.code === ErrorCode.VerdictConflict) {
          setNotice({
            tone: 'warn',
            text: 'A different verdict had already been recorded for the last comparison; the first one stands.',
          });
        } else {
          setNotice({ tone: 'warn', text: `The last answer was refused: ${err.message}` });
        }
        return false;
      }
    },
    [withRetry],
  );

  /** Leases the comparison after `currentId` and preloads its images; failures only cost the head start. */
  const prefetch = useCallback(async (currentId: string) => {
    const ticket = ++prefetchTicket.current;
    try {
      const next = await api('judge', '/api/judge/next', judgeNextResponseSchema, {
        method: 'POST',
        body: { exclude: [currentId] },
      });
      // An answer that arrives after the judge moved on is stale: it may name a judged comparison.
      if (ticket !== prefetchTicket.current) return;
      ahead.current = next && next.assignment.id !== currentId ? next : null;
      for (const src of ahead.current?.assignment.item.images ?? []) new Image().src = src;
    } catch {
      if (ticket === prefetchTicket.current) ahead.current = null;
    }
  }, []);

  /**
   * Shows the prefetched comparison at once (if any), flushes the outbox, then confirms the next
   * comparison with the server (the same one again after a reload) and prefetches the one after.
   */
  const advance = useCallback(async (): Promise<void> => {
    if (running.current) {
      // A verdict submitted while the previous one is still being sent: go round again after it.
      again.current = true;
      return;
    }
    running.current = true;
    setBusy(true);
    try {
      const pending = readOutbox();
      const early = ahead.current;
      ahead.current = null;
      prefetchTicket.current++; // any prefetch still in flight is for a comparison now behind us
      if (early && !pending.some((e) => e.assignmentId === early.assignment.id)) {
        // The judge can start on it while the last verdict is still on its way.
        setPhase({ kind: 'judging', assignment: early.assignment, receivedAt: Date.now() });
        setBusy(false);
      }
      for (const entry of pending) await sendEntry(entry);
      const next = await withRetry(() =>
        api('judge', '/api/judge/next', judgeNextResponseSchema, { method: 'POST' }),
      );
      if (!next) {
        setPhase({ kind: 'finished' });
        return;
      }
      setProgress(next.progress);
      for (const src of next.assignment.item.images) new Image().src = src;
      setPhase((p) =>
        p.kind === 'judging' && p.assignment.id === next.assignment.id
          ? { ...p, assignment: next.assignment }
          : { kind: 'judging', assignment: next.assignment, receivedAt: Date.now() },
      );
      void prefetch(next.assignment.id);
    } catch (err) {
      handleFatal(err);
    } finally {
      running.current = false;
      setBusy(false);
      if (again.current) {
        again.current = false;
        void advanceRef.current();
      }
    }
  }, [handleFatal, prefetch, sendEntry, withRetry]);
  const advanceRef = useRef(advance);
  advanceRef.current = advance;

  useEffect(() => {
    if (!getToken('judge') || hadInvalidToken()) return;
    let cancelled = false;
    void (async () => {
      try {
        const who = await withRetry(() => api('judge', '/api/judge/me', judgeMeResponseSchema));
        if (cancelled || !who) return;
        setMe(who);
        setProgress(who.progress);
        // Training first when the study requires it and the judge has not passed.
        const q = await withRetry(() =>
          api('judge', '/api/judge/qualification', qualificationResponse),
        );
        if (cancelled) return;
        setQualification(q);
        if (q?.status === 'training') return setPhase({ kind: 'training' });
        if (q?.status === 'held') return setPhase({ kind: 'held' });
        await advance();
      } catch (err) {
        handleFatal(err);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [advance, handleFatal, withRetry]);

  const submit = useCallback(
    (entry: OutboxEntry) => {
      pushOutbox(entry);
      setNotice(null);
      void advance();
    },
    [advance],
  );

  /** Extends the lease of the comparison on screen (the server returns and extends the judge's own lease). */
  const keepAlive = useCallback(async () => {
    try {
      const next = await api('judge', '/api/judge/next', judgeNextResponseSchema, {
        method: 'POST',
      });
      if (!next) return;
      setPhase((p) =>
        p.kind === 'judging' && p.assignment.id === next.assignment.id
          ? { kind: 'judging', assignment: next.assignment, receivedAt: Date.now() }
          : p,
      );
    } catch {
      // A failed keep-alive is harmless: the expiry notice covers the worst case.
    }
  }, []);

  /** After the lease ran out: take the comparison back if nobody else did, else move on. */
  const resume = useCallback(
    async (currentId: string) => {
      setBusy(true);
      try {
        const next = await withRetry(() =>
          api('judge', '/api/judge/next', judgeNextResponseSchema, { method: 'POST' }),
        );
        if (!next) return setPhase({ kind: 'finished' });
        if (next.assignment.id !== currentId) {
          setNotice({
            tone: 'warn',
            text: 'That comparison went to another judge while you were away; here is a new one.',
          });
        }
        setProgress(next.progress);
        setPhase({ kind: 'judging', assignment: next.assignment, receivedAt: Date.now() });
      } catch (err) {
        handleFatal(err);
      } finally {
        setBusy(false);
      }
    },
    [handleFatal, withRetry],
  );

  /** The training ended: passed (judging starts) or held. */
  const trainingFinished = useCallback(
    (status: Qualification['status']) => {
      setQualification((q) => (q ? { ...q, status } : q));
      if (status === 'held') setPhase({ kind: 'held' });
      else if (status !== 'training') void advance();
    },
    [advance],
  );

  return {
    me,
    progress,
    phase,
    offline,
    busy,
    notice,
    setNotice,
    submit,
    keepAlive,
    resume,
    qualification,
    trainingFinished,
  };
}
