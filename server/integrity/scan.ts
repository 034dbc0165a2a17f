import {
  AI_CONTEXT,
  COMMON_SYSTEM_NAMES,
  MODEL_WORDS,
  SELF_DESCRIPTIONS,
  type Ambiguity,
  type WordKind,
} from './model-words.ts';

/**
 * The identity-leak scan of one output text (issue #16 item 1): the study's system names, the
 * model and vendor words of model-words.ts (plus the caller's), and self-descriptions, each with
 * its offsets in the text for highlighting. Pure: no I/O. The rules are in docs/integrity.md.
 */
export type MatchKind = 'system' | WordKind | 'self-description';

/** Why an ambiguous word was taken for a model (model-words.ts); absent for unambiguous ones. */
export type Evidence = 'version' | 'variant' | 'self-description' | 'spelling' | 'ai-context';

export interface ScanMatch {
  /** UTF-16 offsets into the text: text.slice(start, end) is what to highlight. */
  start: number;
  end: number;
  text: string;
  kind: MatchKind;
  /** The system name, list word or self-description pattern that matched. */
  term: string;
  /** The name is part of a self-description ("I'm GPT-4o", "Claude here", "as medgemma-4b,"). */
  selfDescribed: boolean;
  evidence?: Evidence;
}

export interface ScanOptions {
  /** The study's system names, as imported. */
  systemNames: readonly string[];
  /** Words the admin adds to the list, matched as unambiguous model words. */
  extraWords?: readonly string[];
}

export interface Scanner {
  scan(text: string): ScanMatch[];
  /** System names that are one common word ("base"), which the scan does not look for. */
  skippedSystemNames: readonly string[];
}

interface Pattern {
  compact: string;
  term: string;
  kind: 'system' | WordKind;
  ambiguous?: Ambiguity;
}

interface Token {
  start: number;
  end: number;
  lower: string;
}

/** Letters and digits only, lower case: the form in which separators do not matter. */
function compactForm(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu))
    out.push({ start: m.index, end: m.index + m[0].length, lower: m[0].toLowerCase() });
  return out;
}

/** What may stand between the words of one name: "medgemma-4b", "MedGemma 4B", "medgemma_4b". */
const SEPARATOR = /^[\s\-_./:]{1,3}$/;
/** A version after a name ("Llama 3.1", "Mistral-7B", "Qwen2.5"), not a quantity ("llama 3 years"). */
const VERSION = /^[-_ ]?v?\d+(?:\.\d+)*[a-z]{0,2}(?![\w])/i;
const QUANTITY =
  /^\s*(?:days?|weeks?|months?|years?|y\/?o|hours?|hrs?|h|min|kg|g|mg|mcg|ml|l|cm|mm|%|times|x|U\/L|IU|mmHg|bpm|°|beats|breaths|doses?|tablets?)\b/i;
/** Versions and variant names that may trail a name: "-4o-mini", "-3.5-turbo", " 70B Instruct". */
const TRAILER =
  /^(?:[-_. ]?(?:\d+(?:\.\d+)*[a-z]{0,2}|mini|turbo|preview|instruct|it|chat|pro|flash|opus|sonnet|haiku)(?![\w]))+/i;
/** Words that make any ambiguous name before them a model's: "the Gemini model", "Claude AI". */
const AI_FOLLOWERS = new Set(['model', 'models', 'llm', 'chatbot', 'assistant', 'api', 'ai']);
const SELF_BEFORE = /(?:\bI['’]?m|\bI am|\bthis is|\bmy name is|\bcall me)\s+$/i;
const AS_BEFORE = /\bas\s+$/i;
const AS_AFTER = /^\s*(?:[,:;(]|\s(?:I|we)\b)/;
const HERE_AFTER = /^,?\s+(?:here|speaking)\b/i;
/** How far around a word AI vocabulary (or the other sense's) counts as its context. */
const WINDOW = 100;

/** Matches `p` at token i: the end offset of the match, or -1. */
function matchAt(text: string, tokens: Token[], i: number, p: Pattern): number {
  let rest = p.compact;
  for (let j = i; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (rest.length >= t.lower.length) {
      if (!rest.startsWith(t.lower)) return -1;
      rest = rest.slice(t.lower.length);
      if (rest === '') return t.end;
      const next = tokens[j + 1];
      if (!next || !SEPARATOR.test(text.slice(t.end, next.start))) return -1;
    } else {
      // ends inside a word only before a version: "gpt4o", "qwen2"
      if (!t.lower.startsWith(rest) || !/\p{N}/u.test(t.lower[rest.length]!)) return -1;
      return t.lower.length === t.end - t.start ? t.start + rest.length : t.end;
    }
  }
  return -1;
}

function evidenceFor(text: string, start: number, end: number, a: Ambiguity): Evidence | null {
  const after = text.slice(end);
  const version = (a.versions ?? VERSION).exec(after);
  if (version && !QUANTITY.test(after.slice(version[0].length))) return 'version';
  const next = /^[-_ ]([a-z]+)\b/i.exec(after)?.[1]?.toLowerCase();
  if (next && (a.variants?.includes(next) || AI_FOLLOWERS.has(next))) return 'variant';
  if (a.exactCase && text.startsWith(a.exactCase, start)) return 'spelling';
  const window = text.slice(Math.max(0, start - WINDOW), end + WINDOW);
  if (AI_CONTEXT.test(window) && !a.against?.test(window)) return 'ai-context';
  return null;
}

/** The self-description around a name, as the span to highlight, or null. */
function selfDescription(text: string, start: number, end: number): [number, number] | null {
  const before = text.slice(Math.max(0, start - 24), start);
  const self = SELF_BEFORE.exec(before);
  if (self) return [start - self[0].length, end];
  const as = AS_BEFORE.exec(before);
  if (as && AS_AFTER.test(text.slice(end))) return [start - as[0].length, end];
  const here = HERE_AFTER.exec(text.slice(end));
  if (here) return [start, end + here[0].length];
  return null;
}

const PRIORITY: Record<MatchKind, number> = {
  system: 0,
  model: 1,
  vendor: 1,
  'self-description': 2,
};

/**
 * Keeps the most specific match where two overlap by containment, and joins overlapping
 * self-descriptions ("As an AI developed by" is two patterns) into one span; sorted by offset.
 */
function resolve(text: string, candidates: ScanMatch[]): ScanMatch[] {
  const ordered = [...candidates].sort(
    (x, y) => PRIORITY[x.kind] - PRIORITY[y.kind] || y.end - y.start - (x.end - x.start),
  );
  const kept: ScanMatch[] = [];
  for (const c of ordered)
    if (!kept.some((k) => k.start <= c.start && c.end <= k.end)) kept.push(c);
  kept.sort((x, y) => x.start - y.start || y.end - x.end);
  const out: ScanMatch[] = [];
  for (const m of kept) {
    const last = out[out.length - 1];
    if (last?.kind === 'self-description' && m.kind === 'self-description' && m.start < last.end) {
      const end = Math.max(last.end, m.end);
      out[out.length - 1] = {
        ...last,
        end,
        text: text.slice(last.start, end),
        term: last.term === m.term ? last.term : `${last.term}; ${m.term}`,
      };
    } else out.push(m);
  }
  return out;
}

export function createScanner(options: ScanOptions): Scanner {
  const patterns: Pattern[] = [];
  const skipped: string[] = [];
  for (const name of options.systemNames) {
    const compact = compactForm(name);
    if (compact.length < 3 || COMMON_SYSTEM_NAMES.has(compact)) skipped.push(name);
    else patterns.push({ compact, term: name, kind: 'system' });
  }
  for (const w of MODEL_WORDS)
    patterns.push({
      compact: compactForm(w.word),
      term: w.word,
      kind: w.kind,
      ambiguous: w.ambiguous,
    });
  for (const word of options.extraWords ?? []) {
    const compact = compactForm(word);
    if (compact !== '') patterns.push({ compact, term: word, kind: 'model' });
  }
  // patterns by their first character, so each word of the text tries only a few
  const byFirst = new Map<string, Pattern[]>();
  for (const p of patterns) {
    const key = p.compact[0]!;
    byFirst.set(key, [...(byFirst.get(key) ?? []), p]);
  }

  function scan(text: string): ScanMatch[] {
    const tokens = tokenize(text);
    const found: ScanMatch[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const start = tokens[i]!.start;
      for (const p of byFirst.get(tokens[i]!.lower[0]!) ?? []) {
        const core = matchAt(text, tokens, i, p);
        if (core < 0) continue;
        let evidence: Evidence | undefined;
        if (p.ambiguous) {
          const e = evidenceFor(text, start, core, p.ambiguous);
          const self = selfDescription(text, start, core);
          if (e === null && self === null) continue;
          evidence = e ?? 'self-description';
        }
        const trailer = TRAILER.exec(text.slice(core));
        const versioned = trailer && !QUANTITY.test(text.slice(core + trailer[0].length));
        // a name ending inside a word ("qwen" of "qwen2x") is highlighted to the word's end
        const end = wordEnd(text, core + (versioned ? trailer[0].length : 0));
        const self = selfDescription(text, start, end);
        const [s, e] = self ?? [start, end];
        found.push({
          start: s,
          end: e,
          text: text.slice(s, e),
          kind: p.kind,
          term: p.term,
          selfDescribed: self !== null,
          ...(evidence ? { evidence } : {}),
        });
      }
    }
    for (const { label, pattern } of SELF_DESCRIPTIONS) {
      for (const m of text.matchAll(pattern)) {
        found.push({
          start: m.index,
          end: m.index + m[0].length,
          text: m[0],
          kind: 'self-description',
          term: label,
          selfDescribed: true,
        });
      }
    }
    return resolve(text, found);
  }

  return { scan, skippedSystemNames: skipped };
}

/** The end of the word that holds offset `at` (at itself when it ends one). */
function wordEnd(text: string, at: number): number {
  let end = at;
  while (end < text.length && /[\p{L}\p{N}]/u.test(text[end]!)) end++;
  return end;
}
