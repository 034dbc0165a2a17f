import type { Letter, ParsedVerdict } from './types.ts';

/**
 * Reads a judge's verdict from what it returned: a structured object (tool input, json_schema
 * output), JSON anywhere in prose, or the plain-text conventions of MT-Bench ([[A]], [[B]], [[C]])
 * and Arena-Hard ([[A>>B]], [[A>B]], [[A=B]], …). Anything ambiguous or absent is null: a verdict
 * is never guessed.
 */
export function parseVerdict(
  reply: { text: string; object?: unknown },
  axes: string[],
): ParsedVerdict | null {
  if (reply.object !== undefined && reply.object !== null) {
    const fromObject = fromJson(reply.object, axes);
    if (fromObject) return fromObject;
  }
  const text = reply.text.trim();
  if (!text) return null;
  for (const candidate of jsonCandidates(text)) {
    const v = fromJson(candidate, axes);
    if (v) return v;
  }
  return fromText(text);
}

export function normaliseLetter(value: unknown): Letter | null {
  if (typeof value !== 'string') return null;
  const v = value
    .trim()
    .toLowerCase()
    .replace(/^response\s+/, '')
    .replace(/[."'`*]/g, '')
    .trim();
  if (v === 'a') return 'A';
  if (v === 'b') return 'B';
  if (v === 'tie' || v === 'c' || v === 'draw' || v === 'equal' || v === 'a=b' || v === 'both')
    return 'tie';
  return null;
}

function fromJson(value: unknown, axes: string[]): ParsedVerdict | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const rec = value as Record<string, unknown>;
  const winner = normaliseLetter(rec.winner ?? rec.verdict ?? rec.overall ?? rec.preference);
  if (!winner) return null;
  const out: Record<string, Letter> = {};
  const rawAxes = rec.axes;
  if (typeof rawAxes === 'object' && rawAxes !== null && !Array.isArray(rawAxes)) {
    const entries = rawAxes as Record<string, unknown>;
    for (const axis of axes) {
      const letter = normaliseLetter(entries[axis]);
      if (letter) out[axis] = letter;
    }
  }
  const reasoning = typeof rec.reasoning === 'string' ? rec.reasoning : null;
  const strength = rec.strength === 2 || rec.strength === 1 ? rec.strength : null;
  return { winner, axes: out, strength, reasoning };
}

/** Every balanced {...} block in the text that parses as JSON, the whole text first. */
function* jsonCandidates(text: string): Generator<unknown> {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/g;
  const tryParse = (s: string): unknown => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      return undefined;
    }
  };
  const whole = tryParse(text);
  if (whole !== undefined) yield whole;
  for (const m of text.matchAll(fenced)) {
    const v = tryParse((m[1] ?? '').trim());
    if (v !== undefined) yield v;
  }
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    const end = matchingBrace(text, start);
    if (end === -1) continue;
    const v = tryParse(text.slice(start, end + 1));
    if (v !== undefined) yield v;
  }
}

function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const ARENA: Record<string, { winner: Letter; strength: 1 | 2 | null }> = {
  'A>>B': { winner: 'A', strength: 2 },
  'A>B': { winner: 'A', strength: 1 },
  'A=B': { winner: 'tie', strength: null },
  'B=A': { winner: 'tie', strength: null },
  'B>A': { winner: 'B', strength: 1 },
  'B>>A': { winner: 'B', strength: 2 },
  'A<B': { winner: 'B', strength: 1 },
  'A<<B': { winner: 'B', strength: 2 },
  'B<A': { winner: 'A', strength: 1 },
  'B<<A': { winner: 'A', strength: 2 },
  A: { winner: 'A', strength: null },
  B: { winner: 'B', strength: null },
  C: { winner: 'tie', strength: null },
  TIE: { winner: 'tie', strength: null },
};

function fromText(text: string): ParsedVerdict | null {
  // [[A]], [[A>B]]…: the bracketed label is an explicit verdict; conflicting ones are ambiguous.
  const bracketed = [...text.matchAll(/\[\[\s*([^\]]{1,8}?)\s*\]\]/g)]
    .map((m) => ARENA[(m[1] ?? '').toUpperCase().replace(/\s+/g, '')])
    .filter((v) => v !== undefined);
  const single = unique(bracketed);
  if (single) return { ...single, axes: {}, reasoning: text };
  if (bracketed.length > 0) return null;

  const relations = [...text.matchAll(/(?<![\w>=<])([AB]\s*(?:>>|<<|>|<|=)\s*[AB])(?![\w>=<])/g)]
    .map((m) => ARENA[(m[1] ?? '').replace(/\s+/g, '')])
    .filter((v) => v !== undefined);
  const relation = unique(relations);
  if (relation) return { ...relation, axes: {}, reasoning: text };
  if (relations.length > 0) return null;

  const labelled = [
    ...text.matchAll(
      /\b(?:overall\s+)?(?:winner|verdict|preference|better response|final verdict)\s*(?:is|:|=)?\s*\**\s*(?:response\s+)?["'`*]*(A|B|tie|C)\b/gi,
    ),
  ]
    .map((m) => normaliseLetter(m[1]))
    .filter((v): v is Letter => v !== null);
  const letters = new Set(labelled);
  if (letters.size === 1)
    return { winner: labelled[0]!, axes: {}, strength: null, reasoning: text };
  return null;
}

function unique(list: Array<{ winner: Letter; strength: 1 | 2 | null }>) {
  if (list.length === 0) return null;
  const first = list[0]!;
  return list.every((v) => v.winner === first.winner && v.strength === first.strength)
    ? first
    : null;
}
