/**
 * Run as `node --expose-gc --import tsx heap-probe.ts FILE`: reads a judgments file and builds its
 * report as `tracearena stats` does, then prints the memory still in use after a full collection.
 */
import { buildReport } from '../../../server/reports/build-report.ts';
import { readJudgmentsFiles } from '../../../server/reports/read-judgments.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const table = await readJudgmentsFiles([process.argv[2] as string]);
const report = buildReport(table, { rounds: 50 });
// array buffers are freed by a sweep after the collection that finds them dead: collect twice
gc();
await new Promise((resolve) => setTimeout(resolve, 50));
gc();
const { heapUsed, arrayBuffers } = process.memoryUsage();
process.stdout.write(JSON.stringify({ verdicts: report.input.verdicts, heapUsed, arrayBuffers }));
