import type { Db } from '../db/client.ts';
import {
  countUnfinishedRunSlots,
  leaseRunSlots,
  pruneBlockedSlots,
  releaseSlots,
  renewSlotLeases,
  type LeasedSlot,
} from '../judging/service.ts';
import { touchHeartbeat } from './repository.ts';

/** A slot this worker holds, and how far its orders are. */
export interface SlotState {
  slot: LeasedSlot;
  /** Orders not yet finished (decremented when an order's outcome is known, before it is stored). */
  remaining: number;
  /** Orders whose outcome is not yet stored. */
  open: number;
  allSettled: boolean;
}

/**
 * The slots one worker holds in a run, leased from judging's one queue. While they are held a
 * heartbeat renews their leases (every third of the lease) and marks the worker alive; a slot whose
 * orders did not all settle goes back to the pool once its last order is stored.
 */
export class RunLeases {
  readonly held = new Map<string, SlotState>();
  /** How often leases are renewed; the loop never sleeps longer when it waits for slots. */
  readonly heartbeatMs: number;
  private readonly toRelease: string[] = [];
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private heartbeatBusy = false;

  constructor(
    private readonly db: Db,
    private readonly run: { runId: string; judgeIds: string[]; leaseSeconds: number },
    onHeartbeatError: (err: unknown) => void,
  ) {
    this.heartbeatMs = Math.max(200, Math.floor((run.leaseSeconds * 1000) / 3));
    this.heartbeat = setInterval(() => {
      if (this.heartbeatBusy) return;
      this.heartbeatBusy = true;
      void this.beat()
        .catch(onHeartbeatError)
        .finally(() => {
          this.heartbeatBusy = false;
        });
    }, this.heartbeatMs);
  }

  private async beat(): Promise<void> {
    const { runId, leaseSeconds } = this.run;
    await renewSlotLeases(this.db, { ids: [...this.held.keys()], leaseSeconds });
    await touchHeartbeat(this.db, { runId });
    if (this.toRelease.length) await releaseSlots(this.db, { ids: this.toRelease.splice(0) });
  }

  /** Leases up to `limit` more slots (each for its judge). */
  lease(limit: number): Promise<LeasedSlot[]> {
    const { runId, judgeIds, leaseSeconds } = this.run;
    return leaseRunSlots(this.db, { runId, judgeIds, limit, leaseSeconds });
  }

  /** Starts holding a leased slot with `orders` orders to judge. */
  hold(slot: LeasedSlot, orders: number): SlotState {
    const state: SlotState = { slot, remaining: orders, open: orders, allSettled: true };
    this.held.set(slot.id, state);
    return state;
  }

  /** One of the slot's orders is stored: after the last one, the slot is let go. */
  orderStored(state: SlotState): void {
    state.open--;
    if (state.open === 0) {
      this.held.delete(state.slot.id);
      if (!state.allSettled) this.toRelease.push(state.slot.id);
    }
  }

  /** Orders of held slots not yet stored. */
  pendingOrders(): number {
    return [...this.held.values()].reduce((n, s) => n + s.open, 0);
  }

  /**
   * Whether the run has no slot left to judge. Slots blocked by another run of the same judge are
   * dropped before the second look; otherwise another worker holds the rest.
   */
  async runFinished(): Promise<boolean> {
    const { runId, judgeIds } = this.run;
    if ((await countUnfinishedRunSlots(this.db, { runId })) === 0) return true;
    await pruneBlockedSlots(this.db, { runId, judgeIds });
    return (await countUnfinishedRunSlots(this.db, { runId })) === 0;
  }

  stopHeartbeat(): void {
    clearInterval(this.heartbeat);
  }

  /** Gives back every slot still held or waiting for release (the run stops). */
  async releaseAll(): Promise<void> {
    await releaseSlots(this.db, { ids: [...this.toRelease.splice(0), ...this.held.keys()] }).catch(
      () => undefined,
    );
  }
}
