import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Writes an OpenMedReason-sized JSONL item file (n items × 2 systems) by streaming, never holding
 * it in memory. `corrupt(n)` may return a replacement record for line n (1-based).
 */
export async function generateItemsJsonl(
  path: string,
  n: number,
  corrupt: (line: number) => unknown = () => undefined,
): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const filler =
    'The radiograph shows a well-defined opacity; considering the history, the most likely finding is ';
  for (let line = 1; line <= n; line++) {
    const record = corrupt(line) ?? {
      id: `omr-${line}`,
      question: `Case ${line}: what is the most likely diagnosis?`,
      reference: `diagnosis ${line % 97}`,
      modality: line % 3 === 0 ? 'pathology' : 'radiology',
      metadata: { source: 'pmc' },
      outputs: {
        base: { trace: `${filler}${line % 89}.`, answer: `d${line % 89}` },
        sft: {
          trace: `${filler}${line % 97}. Step 2: the margins and density support it.`,
          answer: `d${line % 97}`,
        },
      },
    };
    if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
