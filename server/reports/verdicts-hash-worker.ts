import { parentPort } from 'node:worker_threads';
import { NameIndex } from './name-index.ts';
import { VerdictDigests, type HashWorkerMessage } from './provenance.ts';
import type { VerdictTable } from './verdict-table.ts';

/**
 * Worker thread of provenance.ts VerdictsHashAside: receives a table's rows as they are read (the
 * columns the verdicts' hash reads, and the item names it has not had yet), digests them, and
 * answers the end of the table with the hash.
 */
const items = new NameIndex();
const digests = new VerdictDigests();
// a message that cannot be received (out of memory copying it) ends the worker, so the main
// thread computes the hash itself instead of waiting for an answer that will not come
parentPort?.once('messageerror', (err) => {
  throw err;
});
parentPort?.on('message', (message: HashWorkerMessage) => {
  if (message.kind === 'done') {
    parentPort?.postMessage(digests.sha256());
    return;
  }
  const { from, to, firstItem, itemNames, table } = message;
  for (const [k, name] of itemNames.entries())
    if (items.id(name) !== firstItem + k)
      throw new Error(`item ${firstItem + k} arrived out of order`);
  digests.add({ ...table, items } as unknown as VerdictTable, from, to);
});
