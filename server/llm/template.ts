import { createHash } from 'node:crypto';
import { unstorableTextReason } from '../../shared/text.ts';

/**
 * Judging prompts. A template is plain text with {{variables}} and {{#section}}…{{/section}} blocks
 * (shown when the variable is non-empty; {{^section}}…{{/section}} when it is empty). An optional
 * system prompt comes first, ended by a line `---user---`. The variables are documented in
 * docs/llm-judging.md; an unknown one is an error when the template is loaded, not at call time.
 */
export const TEMPLATE_VARIABLES = [
  'question',
  'reference',
  'modality',
  'images',
  'response_a',
  'response_b',
  'trace_a',
  'answer_a',
  'trace_b',
  'answer_b',
  'axes',
  'axes_list',
  'output_format',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Record<TemplateVariable, string>;

const USER_MARKER = /^---user---\s*$/m;

export const DEFAULT_SYSTEM = [
  'You are an expert clinician reviewing two reasoning traces written for the same medical question.',
  'You judge the quality of the reasoning, not only the final answer.',
  'You do not know who wrote either response; judge only what is written.',
  'Do not let the order of the responses, their length or their style influence you.',
].join(' ');

export const DEFAULT_USER = `Compare two responses to the medical question below.{{#images}} The question refers to the attached image(s): look at them yourself before judging what each response claims to see.{{/images}}{{#modality}} Modality: {{modality}}.{{/modality}}

<question>
{{question}}
</question>
{{#reference}}
<reference_answer>
{{reference}}
</reference_answer>
The reference answer is correct. Use it to check each final answer, but judge the reasoning on its own merits.
{{/reference}}
<response_a>
{{response_a}}
</response_a>

<response_b>
{{response_b}}
</response_b>

Judge each axis, saying which response is better on it ("A", "B" or "tie"):
{{axes_list}}

Then give the overall verdict: which response shows the better medical reasoning, taking everything into account (what it perceives in the image, the medical knowledge it uses, and whether its rationale supports its answer)? Answer "tie" only when they are genuinely equivalent.

{{output_format}}`;

export const DEFAULT_TEMPLATE_SOURCE = `${DEFAULT_SYSTEM}\n---user---\n${DEFAULT_USER}`;

const AXIS_DESCRIPTIONS: Record<string, string> = {
  perception: 'what the response says it sees in the image(s), and whether that is actually there',
  medical_knowledge: 'whether the medical facts and concepts it relies on are correct and relevant',
  rationale: 'whether the reasoning steps follow from each other and support the final answer',
};

export interface Template {
  system: string;
  user: string;
  /** sha256 of the source: part of the judge's identity and of every cache key. */
  hash: string;
  /** Where a custom template came from (its file, or 'template' over HTTP); null for the default. */
  source: string | null;
}

export function parseTemplate(text: string, source: string | null): Template {
  const match = USER_MARKER.exec(text);
  const system = match ? text.slice(0, match.index).trim() : DEFAULT_SYSTEM;
  const user = match ? text.slice(match.index + match[0].length).replace(/^\n/, '') : text;
  const where = source ?? 'template';
  // The template's text is stored with the run (jsonb): it must be storable text.
  const unstorable = unstorableTextReason(text);
  if (unstorable) throw new Error(`${where}: ${unstorable}`);
  for (const m of `${system}\n${user}`.matchAll(/\{\{\s*([#^/]?)\s*([^}]*?)\s*\}\}/g)) {
    const name = m[2] ?? '';
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name)) {
      throw new Error(
        `${where}: unknown template variable '{{${m[1] ?? ''}${name}}}' (known: ${TEMPLATE_VARIABLES.join(', ')})`,
      );
    }
  }
  const mentions = (v: string) => user.includes(`{{${v}}}`);
  if (
    !(mentions('response_a') || mentions('trace_a')) ||
    !(mentions('response_b') || mentions('trace_b'))
  ) {
    throw new Error(
      `${where}: the template must show both responses ({{response_a}} and {{response_b}}, or {{trace_a}} and {{trace_b}})`,
    );
  }
  return { system, user, hash: sha256(text), source };
}

export function defaultTemplate(): Template {
  return parseTemplate(DEFAULT_TEMPLATE_SOURCE, null);
}

/** Fills a template: sections first (innermost text only, no nesting of the same name), then variables. */
export function render(text: string, values: TemplateValues): string {
  const sections = text.replace(
    /\{\{([#^])\s*(\w+)\s*\}\}([\s\S]*?)\{\{\/\s*\2\s*\}\}/g,
    (_all, kind: string, name: string, body: string) => {
      const present = (values[name as TemplateVariable] ?? '').trim() !== '';
      return (kind === '#') === present ? body : '';
    },
  );
  return sections.replace(
    /\{\{\s*(\w+)\s*\}\}/g,
    (_all, name: string) => values[name as TemplateVariable] ?? '',
  );
}

export function axesList(axes: string[]): string {
  return axes
    .map((axis) => {
      const description = AXIS_DESCRIPTIONS[axis];
      return `- ${axis}${description ? `: ${description}` : ''}`;
    })
    .join('\n');
}

export function outputFormat(axes: string[]): string {
  const axesJson = axes.map((a) => `"${a}": "A" | "B" | "tie"`).join(', ');
  return `Reply with one JSON object and nothing else: {"reasoning": "<two to four sentences>", "axes": {${axesJson}}, "winner": "A" | "B" | "tie"}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
