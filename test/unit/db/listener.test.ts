import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Listener } from '../../../server/db/client.ts';

/**
 * A stand-in for pg.Client whose connections the test controls: the first connects, every later
 * one stays pending until the test settles it (a database that is down answers slowly or not).
 */
function fakeClients() {
  const made: FakeClient[] = [];
  class FakeClient extends EventEmitter {
    ended = false;
    settle: { resolve: () => void; reject: (err: Error) => void } | null = null;
    constructor() {
      super();
      made.push(this);
    }
    connect(): Promise<void> {
      if (made.length === 1) return Promise.resolve();
      return new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    }
    query(): Promise<void> {
      return Promise.resolve();
    }
    end(): Promise<void> {
      this.ended = true;
      return Promise.resolve();
    }
  }
  return { made, Client: FakeClient as unknown as typeof pg.Client };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('Listener (the one LISTEN connection)', () => {
  it('stops reconnecting when closed while a reconnection is in flight, whether it then fails or succeeds', async () => {
    for (const outcome of ['fails', 'succeeds'] as const) {
      const { made, Client } = fakeClients();
      const listener = new Listener('postgres://unused', Client);
      await listener.listen('verdicts', () => undefined);
      const first = made[0] as unknown as EventEmitter;
      first.emit('error', new Error('Connection terminated unexpectedly'));
      // the reconnection timer fires (100 ms) and its connect is pending
      await until(() => made.length === 2);
      await listener.close();
      const pending = made[1] as unknown as {
        settle: { resolve: () => void; reject: (e: Error) => void };
        ended: boolean;
      };
      if (outcome === 'fails') pending.settle.reject(new Error('ECONNREFUSED'));
      else pending.settle.resolve();
      // long enough for the next backoff (200 ms) to have fired had it been scheduled
      await new Promise((r) => setTimeout(r, 400));
      expect(made.length, `after a reconnection that ${outcome}`).toBe(2);
      expect(pending.ended).toBe(true);
    }
  });
});
