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
  // Every verdict the text states must agree: each JSON verdict, and the prose outside them
  // ("{"winner": "A"} … my final verdict is [[B]]" is a conflict, not A).
  const json: ParsedVerdict[] = [];
  const prose = text.split('');
  for (const { value, start, end } of jsonCandidates(text)) {
    const v = fromJson(value, axes);
    if (!v) continue;
    json.push(v);
    for (let i = start; i < end; i++) prose[i] = ' ';
  }
  const stated = agreed([...json, ...proseVerdicts(prose.join(''))]);
  if (!stated) return null;
  // the first JSON verdict carries the axes and reasoning; prose alone has none
  return json[0]
    ? { ...json[0], strength: stated.strength }
    : { ...stated, axes: {}, reasoning: text };
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
  // {"verdict": "B", "winner": "A"} is a conflict, not A: every field naming a verdict must agree
  for (const other of [rec.verdict, rec.overall, rec.preference]) {
    const letter = normaliseLetter(other);
    if (letter !== null && letter !== winner) return null;
  }
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

/**
 * Every balanced {...} block in the text that parses as JSON, the whole text first, with where it
 * stands in the text.
 */
function* jsonCandidates(text: string): Generator<{ value: unknown; start: number; end: number }> {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/g;
  const tryParse = (s: string): unknown => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      return undefined;
    }
  };
  const whole = tryParse(text);
  if (whole !== undefined) yield { value: whole, start: 0, end: text.length };
  for (const m of text.matchAll(fenced)) {
    const v = tryParse((m[1] ?? '').trim());
    if (v !== undefined) yield { value: v, start: m.index, end: m.index + m[0].length };
  }
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    const end = matchingBrace(text, start);
    if (end === -1) continue;
    const v = tryParse(text.slice(start, end + 1));
    if (v !== undefined) yield { value: v, start, end: end + 1 };
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

type Stated = { winner: Letter; strength: 1 | 2 | null };

/** The one verdict all of `stated` give (a strength where any gives one), or null: none, or a conflict. */
function agreed(stated: Stated[]): Stated | null {
  const first = stated[0];
  if (!first || stated.some((v) => v.winner !== first.winner)) return null;
  const strengths = new Set(stated.map((v) => v.strength).filter((x) => x !== null));
  if (strengths.size > 1) return null;
  return {
    winner: first.winner,
    strength: strengths.size === 1 ? ([...strengths][0] as 1 | 2) : null,
  };
}

/**
 * The verdicts the prose states by the MT-Bench / Arena-Hard conventions ([[A]], [[A>>B]], A>B)
 * and by labels ("winner: B", "final verdict is A").
 */
function proseVerdicts(text: string): Stated[] {
  const bracketed = [...text.matchAll(/\[\[\s*([^\]]{1,8}?)\s*\]\]/g)]
    .map((m) => ARENA[(m[1] ?? '').toUpperCase().replace(/\s+/g, '')])
    .filter((v) => v !== undefined);
  const relations = [...text.matchAll(/(?<![\w>=<])([AB]\s*(?:>>|<<|>|<|=)\s*[AB])(?![\w>=<])/g)]
    .map((m) => ARENA[(m[1] ?? '').replace(/\s+/g, '')])
    .filter((v) => v !== undefined);
  // a letter only as a capital standing alone: "Final verdict: a tie", "the verdict is a narrow
  // win for B" and "Verdict: A clear win for Response B" read the article as Response A, every
  // such answer going to the side shown first. A lower-case b or c, and a B or C followed by a
  // word, are refused alike, so that a refusal favours neither side; "an?" before "tie" stays on
  // its line ("Final verdict: A\nTie-breaker: none" is A)
  const labelled = [
    ...text.matchAll(
      /\b(?:overall\s+)?(?:winner|verdict|preference|better response|final verdict)\s*(?:is|:|=)?\s*\**\s*(?:response\s+)?["'`*]*(?:an?[ \t]+(?=tie\b))?((?:A|B|C)(?![ \t]+[a-z])|tie)\b/gi,
    ),
  ]
    .map((m) => m[1] ?? '')
    .filter((label) => !/^[abc]$/.test(label))
    .map((label) => normaliseLetter(label))
    .filter((v): v is Letter => v !== null)
    .map((winner) => ({ winner, strength: null }));
  return [...bracketed, ...relations, ...labelled];
}
