import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { LiveServerMessage } from '../../shared/admin-views.ts';
import { parseEventPayload } from '../db/events.ts';
import type { Db } from '../db/client.ts';
import { getDashboardSnapshot } from '../readmodel/dashboard-snapshot.ts';

/** Events of one tick are coalesced: a burst of verdicts costs one snapshot per study. */
export const TICK_MS = 150;
/**
 * At most two snapshots a second per study: an LLM run announces progress several times a second
 * from every worker, and each snapshot aggregates the study's verdicts. Still well within the
 * dashboard's one-second promise.
 */
export const MIN_GAP_MS = 500;
/** Also refreshed on a timer: expiring leases and the per-minute window change without events. */
export const REFRESH_MS = 15_000;

interface StudyState {
  viewers: Set<WebSocket>;
  /** The last snapshot, serialised once and sent as is to every viewer. */
  cached: string | null;
  scheduled: ReturnType<typeof setTimeout> | null;
  running: boolean;
  again: boolean;
  /** When the last snapshot computation started (ms since the epoch). */
  lastAt: number;
}

/**
 * The viewers of each study's dashboard in this process. Events come from PostgreSQL
 * LISTEN/NOTIFY, so a verdict recorded by any process reaches the viewers of every process.
 */
export class LiveHub {
  private readonly studies = new Map<string, StudyState>();
  /** Which account opened each socket: a revoked account's dashboards are closed. */
  private readonly owners = new Map<WebSocket, string>();
  private readonly refresh: ReturnType<typeof setInterval>;
  /** Snapshots computed: a test checks that bursts coalesce. */
  computed = 0;

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
  ) {
    this.refresh = setInterval(() => this.refreshAll(), REFRESH_MS);
    this.refresh.unref();
  }

  viewerCount(studyId?: string): number {
    if (studyId) return this.studies.get(studyId)?.viewers.size ?? 0;
    let n = 0;
    for (const s of this.studies.values()) n += s.viewers.size;
    return n;
  }

  add(studyId: string, socket: WebSocket, accountId?: string): void {
    if (accountId) {
      this.owners.set(socket, accountId);
      socket.once('close', () => this.owners.delete(socket));
    }
    let state = this.studies.get(studyId);
    if (!state) {
      state = {
        viewers: new Set(),
        cached: null,
        scheduled: null,
        running: false,
        again: false,
        lastAt: 0,
      };
      this.studies.set(studyId, state);
    }
    state.viewers.add(socket);
    socket.once('close', () => this.remove(studyId, socket));
    if (state.cached) socket.send(state.cached);
    else this.schedule(studyId, 0);
  }

  private remove(studyId: string, socket: WebSocket): void {
    const state = this.studies.get(studyId);
    if (!state) return;
    state.viewers.delete(socket);
    if (state.viewers.size === 0 && !state.running) {
      // Nobody watches: events are ignored from now on, so the cache would go stale.
      if (state.scheduled) clearTimeout(state.scheduled);
      this.studies.delete(studyId);
    }
  }

  /** Recomputes every watched study: on the timer, and when events may have been missed. */
  refreshAll(): void {
    for (const id of this.studies.keys()) this.schedule(id, 0);
  }

  /** A NOTIFY payload from the events channel; one that is not a study event is ignored. */
  onEvent(payload: string): void {
    const event = parseEventPayload(payload);
    if (event?.type === 'access-revoked') this.closeFor(event.accountId, event.studyId);
    else if (event && this.studies.has(event.studyId)) this.schedule(event.studyId, TICK_MS);
  }

  /**
   * Closes the dashboards an account lost access to (one study, or every study for '*'), with
   * 4401: the client may reconnect, and the route checks the account's access again.
   */
  private closeFor(accountId: string, studyId: string): void {
    for (const [id, state] of this.studies) {
      if (studyId !== '*' && id !== studyId) continue;
      for (const socket of state.viewers) {
        if (this.owners.get(socket) !== accountId) continue;
        const msg: LiveServerMessage = {
          type: 'error',
          code: 'TA_UNAUTHORIZED',
          message: 'access to this study has ended',
        };
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
        socket.close(4401, 'TA_UNAUTHORIZED');
      }
    }
  }

  private schedule(studyId: string, delay: number): void {
    const state = this.studies.get(studyId);
    if (!state || state.scheduled) return;
    const wait = Math.max(delay, state.lastAt + MIN_GAP_MS - Date.now());
    state.scheduled = setTimeout(() => {
      state.scheduled = null;
      void this.flush(studyId, state);
    }, wait);
  }

  private async flush(studyId: string, state: StudyState): Promise<void> {
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    try {
      do {
        state.again = false;
        state.lastAt = Date.now();
        const snapshot = await getDashboardSnapshot(this.db, { studyId });
        this.computed++;
        const message: LiveServerMessage = snapshot
          ? { type: 'snapshot', snapshot }
          : { type: 'error', code: 'TA_NOT_FOUND', message: 'study not found' };
        const text = JSON.stringify(message);
        state.cached = snapshot ? text : null;
        for (const socket of state.viewers)
          if (socket.readyState === socket.OPEN) socket.send(text);
      } while (state.again);
    } catch (err) {
      this.log.error({ err, studyId }, 'dashboard snapshot failed');
    } finally {
      state.running = false;
      if (state.viewers.size === 0) this.studies.delete(studyId);
    }
  }

  close(): void {
    clearInterval(this.refresh);
    for (const state of this.studies.values()) {
      if (state.scheduled) clearTimeout(state.scheduled);
      for (const socket of state.viewers) socket.close(1001, 'server shutting down');
    }
    this.studies.clear();
  }
}
