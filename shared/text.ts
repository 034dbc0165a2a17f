import { z } from 'zod';

/**
 * Text that can be stored. PostgreSQL refuses U+0000 in `text` and `jsonb` (a 500 and a lost
 * verdict, issue 13), and a lone UTF-16 surrogate is silently written as U+FFFD, so the text read
 * back differs from the text sent. Every text field that enters the database from the HTTP edge
 * goes through `storableText()`, which refuses both with a reason naming the character and where it
 * is; the route's 400 names the field (its path).
 */

/** Why `value` cannot be stored as text, or null when it can. */
export function unstorableTextReason(value: string): string | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0) return `contains U+0000 (NUL) at character ${i + 1}`;
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = value.charCodeAt(i + 1);
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i++; // a well-formed pair
      continue;
    }
    const hex = c.toString(16).toUpperCase();
    return `contains a lone surrogate U+${hex} at character ${i + 1} (not valid Unicode text)`;
  }
  return null;
}

/** A string refusing U+0000 and lone surrogates; chain `.min()`, `.max()`, `.regex()` as usual. */
export function storableText() {
  return z.string().superRefine((value, ctx) => {
    const reason = unstorableTextReason(value);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });
}

const MAY_DECOMPOSE = /[\u0300-\uffff]/;

/**
 * A name as every reader and every import keys it (a system, judge, item or modality): surrounding
 * whitespace trimmed (String.prototype.trim) and in Unicode NFC, so that "café" typed as one
 * character or as e + U+0301 is one name (it was two that printed alike), and a study's export
 * reads back under `stats` as the same names. Other invisible differences, such as a zero-width
 * space, stay.
 */
export function canonicalName(s: string): string {
  const t = s.trim();
  return MAY_DECOMPOSE.test(t) ? t.normalize('NFC') : t;
}

/**
 * A system named beside the data (`--base`): storable text, read as names are stored
 * (canonicalName), so that `pair --base ' sft'` finds the system `import --system ' sft'` made.
 */
export function systemNameOption() {
  return storableText()
    .min(1)
    .transform(canonicalName)
    .refine((s) => s.length > 0, { error: 'expected a system name' });
}
