import { parentPort } from 'node:worker_threads';
import { NameIndex } from './name-index.ts';
import { verdictsHash } from './provenance.ts';
import type { VerdictTable } from './verdict-table.ts';

/**
 * Worker thread of provenance.ts verdictsHashOffThread: receives the columns of a verdict table
 * that the verdicts' hash reads (a structured clone: the item names' index comes without its
 * class, and gets it back here) and answers with the hash.
 */
parentPort?.once('message', (t: VerdictTable) => {
  Object.setPrototypeOf(t.items, NameIndex.prototype);
  parentPort?.postMessage(verdictsHash(t));
});
