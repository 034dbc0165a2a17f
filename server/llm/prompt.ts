import { axesList, outputFormat, render, type Template } from './template.ts';
import type { Prompt } from './types.ts';

/** One comparison's content, relative to its systems a/b. Nothing in it names a system. */
export interface ComparisonContent {
  comparisonId: string;
  question: string;
  reference: string | null;
  modality: string | null;
  axes: string[];
  a: { trace: string; answer: string };
  b: { trace: string; answer: string };
  images: Array<{ mime: string; base64: string }>;
}

function responseBlock(o: { trace: string; answer: string }): string {
  return o.answer.trim() ? `Reasoning:\n${o.trace}\n\nFinal answer: ${o.answer}` : o.trace;
}

/**
 * The judge's prompt for one order: "Response A" is the system shown left (`shownLeft`), "Response
 * B" the other. The item's images come first, as image parts, then the filled template.
 */
export function buildPrompt(
  content: ComparisonContent,
  shownLeft: 'a' | 'b',
  { template, withReference }: { template: Template; withReference: boolean },
): Prompt {
  const first = shownLeft === 'a' ? content.a : content.b;
  const second = shownLeft === 'a' ? content.b : content.a;
  const values = {
    question: content.question,
    reference: withReference ? (content.reference ?? '') : '',
    modality: content.modality ?? '',
    images: content.images.length > 0 ? String(content.images.length) : '',
    response_a: responseBlock(first),
    response_b: responseBlock(second),
    trace_a: first.trace,
    answer_a: first.answer,
    trace_b: second.trace,
    answer_b: second.answer,
    axes: content.axes.join(', '),
    axes_list: axesList(content.axes),
    output_format: outputFormat(content.axes),
  };
  return {
    system: render(template.system, values),
    parts: [
      ...content.images.map((img) => ({
        type: 'image' as const,
        mime: img.mime,
        base64: img.base64,
      })),
      { type: 'text' as const, text: render(template.user, values) },
    ],
  };
}

/** The JSON schema of a verdict, for json_schema response formats and tool inputs. */
export function verdictSchema(axes: string[]): Record<string, unknown> {
  const letter = { type: 'string', enum: ['A', 'B', 'tie'] };
  return {
    type: 'object',
    properties: {
      reasoning: { type: 'string', description: 'Two to four sentences justifying the verdict.' },
      axes: {
        type: 'object',
        properties: Object.fromEntries(axes.map((a) => [a, letter])),
        required: axes,
        additionalProperties: false,
      },
      winner: letter,
    },
    required: ['reasoning', 'axes', 'winner'],
    additionalProperties: false,
  };
}

/** Bytes of text in a prompt (an upper bound of its text tokens) and its image count. */
export function promptSize(prompt: Prompt): { textBytes: number; images: number } {
  let textBytes = Buffer.byteLength(prompt.system, 'utf8');
  let images = 0;
  for (const p of prompt.parts) {
    if (p.type === 'text') textBytes += Buffer.byteLength(p.text, 'utf8');
    else images++;
  }
  return { textBytes, images };
}
