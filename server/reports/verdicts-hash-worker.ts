import { parentPort } from 'node:worker_threads';
import { NameIndex } from './name-index.ts';
import { verdictsHash } from './provenance.ts';
import type { VerdictTable } from './verdict-table.ts';

/**
 * Worker thread of provenance.ts verdictsHashOffThread: receives the columns of a verdict table
 * that the verdicts' hash reads (a structured clone: the item names' index comes without its
 * class, and gets it back here) and answers with the hash.
 */
// a table that cannot be received (out of memory copying it) ends the worker, so the main thread
// computes the hash itself instead of waiting for an answer that will not come
parentPort?.once('messageerror', (err) => {
  throw err;
});
parentPort?.once('message', (t: VerdictTable) => {
  Object.setPrototypeOf(t.items, NameIndex.prototype);
  parentPort?.postMessage(verdictsHash(t));
});
