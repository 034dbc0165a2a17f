import Anthropic from '@anthropic-ai/sdk';
import { verdictSchema } from '../prompt.ts';
import type { JudgeSettings, Prompt, ProviderReply } from '../types.ts';
import { sdkClientOptions, type Provider, type ProviderOptions } from './contract.ts';

const TOOL = 'record_verdict';

export function anthropicProvider(options: ProviderOptions): Provider {
  const client = new Anthropic(sdkClientOptions(options));
  return {
    name: 'anthropic',
    buildBody(prompt: Prompt, settings: JudgeSettings, axes: string[]) {
      return {
        model: settings.model,
        max_tokens: settings.maxTokens,
        temperature: settings.temperature,
        system: prompt.system,
        messages: [
          {
            role: 'user',
            content: prompt.parts.map((p) =>
              p.type === 'text'
                ? { type: 'text', text: p.text }
                : { type: 'image', source: { type: 'base64', media_type: p.mime, data: p.base64 } },
            ),
          },
        ],
        ...(settings.structured
          ? {
              tools: [
                {
                  name: TOOL,
                  description: 'Record the verdict of the comparison.',
                  input_schema: verdictSchema(axes),
                },
              ],
              tool_choice: { type: 'tool', name: TOOL },
            }
          : {}),
      };
    },
    async call(body, signal) {
      const message = await client.messages.create(
        body as unknown as Anthropic.MessageCreateParamsNonStreaming,
        signal ? { signal } : undefined,
      );
      return fromAnthropicBody(message as unknown as Record<string, unknown>);
    },
    fromBody: fromAnthropicBody,
  };
}

interface MessageBody {
  content?: Array<{ type: string; text?: string; name?: string; input?: unknown }>;
  stop_reason?: string | null;
  usage?: {
    input_tokens?: number;
    output_tokens?: number;
    cache_creation_input_tokens?: number | null;
    cache_read_input_tokens?: number | null;
  };
}

export function fromAnthropicBody(body: Record<string, unknown>): ProviderReply {
  const b = body as MessageBody;
  const blocks = b.content ?? [];
  const tool = blocks.find((c) => c.type === 'tool_use' && c.name === TOOL);
  const prose = blocks
    .filter((c) => c.type === 'text')
    .map((c) => c.text ?? '')
    .join('\n');
  const u = b.usage ?? {};
  return {
    text: tool ? JSON.stringify(tool.input ?? null) : prose,
    object: tool ? tool.input : undefined,
    refusal: b.stop_reason === 'refusal' ? prose || 'refusal' : null,
    usage: {
      inputTokens:
        (u.input_tokens ?? 0) +
        (u.cache_creation_input_tokens ?? 0) +
        (u.cache_read_input_tokens ?? 0),
      outputTokens: u.output_tokens ?? 0,
    },
    body,
  };
}
