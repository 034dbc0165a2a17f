import type { Side, VerdictBody } from '../../../../shared/judge-api.ts';

/**
 * What must survive a reload or a lost connection, in localStorage (the token itself stays in
 * sessionStorage): the outbox of verdicts and skips not yet acknowledged by the server, and the
 * draft of the comparison on screen. Neither names a system: only the opaque assignment id.
 */
export type OutboxEntry =
  | { kind: 'verdict'; assignmentId: string; body: VerdictBody }
  | { kind: 'skip'; assignmentId: string; body: { reason: 'skip' | 'cannot_judge' } };

export interface Draft {
  assignmentId: string;
  winner: Side | null;
  strength: 1 | 2;
  axes: Record<string, Side>;
  note: string;
  /** Time on task so far (only while the page was visible). */
  elapsedMs: number;
}

const OUTBOX = 'tracearena.outbox';
const DRAFT = 'tracearena.draft';

function read<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function readOutbox(): OutboxEntry[] {
  const v = read<OutboxEntry[]>(OUTBOX);
  return Array.isArray(v) ? v : [];
}

/** Adds an entry unless one for the same assignment is already waiting (a double Enter sends once). */
export function pushOutbox(entry: OutboxEntry): void {
  const list = readOutbox();
  if (list.some((e) => e.assignmentId === entry.assignmentId)) return;
  localStorage.setItem(OUTBOX, JSON.stringify([...list, entry]));
}

export function dropOutbox(assignmentId: string): void {
  const list = readOutbox().filter((e) => e.assignmentId !== assignmentId);
  if (list.length) localStorage.setItem(OUTBOX, JSON.stringify(list));
  else localStorage.removeItem(OUTBOX);
}

export function readDraft(assignmentId: string): Draft | null {
  const d = read<Draft>(DRAFT);
  return d && d.assignmentId === assignmentId ? d : null;
}

export function writeDraft(draft: Draft): void {
  localStorage.setItem(DRAFT, JSON.stringify(draft));
}

export function clearDraft(): void {
  localStorage.removeItem(DRAFT);
}

export function emptyDraft(assignmentId: string): Draft {
  return { assignmentId, winner: null, strength: 1, axes: {}, note: '', elapsedMs: 0 };
}
