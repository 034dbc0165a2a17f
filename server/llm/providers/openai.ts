import OpenAI from 'openai';
import { verdictSchema } from '../prompt.ts';
import type { JudgeSettings, Prompt, ProviderReply } from '../types.ts';
import { sdkClientOptions, type Provider, type ProviderOptions } from './contract.ts';

/** Reasoning models take max_completion_tokens and no temperature. */
const REASONING_MODEL = /^(o\d|gpt-5)/;

export function openaiProvider(options: ProviderOptions): Provider {
  const client = new OpenAI(sdkClientOptions(options));
  return {
    name: 'openai',
    buildBody(prompt: Prompt, settings: JudgeSettings, axes: string[]) {
      const reasoning = REASONING_MODEL.test(settings.model);
      return {
        model: settings.model,
        messages: [
          { role: 'system', content: prompt.system },
          {
            role: 'user',
            content: prompt.parts.map((p) =>
              p.type === 'text'
                ? { type: 'text', text: p.text }
                : { type: 'image_url', image_url: { url: `data:${p.mime};base64,${p.base64}` } },
            ),
          },
        ],
        ...(reasoning
          ? { max_completion_tokens: settings.maxTokens }
          : { max_tokens: settings.maxTokens, temperature: settings.temperature }),
        ...(settings.seed !== null ? { seed: settings.seed } : {}),
        ...(settings.structured
          ? {
              response_format: {
                type: 'json_schema',
                json_schema: { name: 'verdict', strict: true, schema: verdictSchema(axes) },
              },
            }
          : {}),
      };
    },
    async call(body, signal) {
      const completion = await client.chat.completions.create(
        body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
        signal ? { signal } : undefined,
      );
      return fromOpenAiBody(completion as unknown as Record<string, unknown>);
    },
    fromBody: fromOpenAiBody,
  };
}

interface ChatBody {
  choices?: Array<{
    message?: { content?: string | null; refusal?: string | null };
    finish_reason?: string;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export function fromOpenAiBody(body: Record<string, unknown>): ProviderReply {
  const b = body as ChatBody;
  const choice = b.choices?.[0];
  const text = choice?.message?.content ?? '';
  let refusal = choice?.message?.refusal ?? null;
  if (!refusal && choice?.finish_reason === 'content_filter') refusal = 'content_filter';
  let object: unknown = undefined;
  try {
    object = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    object = undefined;
  }
  return {
    text,
    object,
    refusal,
    usage: {
      inputTokens: b.usage?.prompt_tokens ?? 0,
      outputTokens: b.usage?.completion_tokens ?? 0,
    },
    body,
  };
}
