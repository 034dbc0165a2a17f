import type { LlmRunStatus } from '../db/schema/index.ts';

/** What the judge saw: "A" is the response shown first (left), "B" the one shown second. */
export type Letter = 'A' | 'B' | 'tie';

export type ProviderName = 'openai' | 'anthropic';

/** The verdict a judge model gave, in its own terms (A/B), before it is mapped to systems. */
export interface ParsedVerdict {
  winner: Letter;
  axes: Record<string, Letter>;
  /** 2 for a strong preference (Arena-Hard's A>>B), 1 for a slight one; null when not stated. */
  strength: 1 | 2 | null;
  reasoning: string | null;
}

/** Settings that change what a judge answers: they are part of the judge's identity and the cache key. */
export interface JudgeSettings {
  provider: ProviderName;
  model: string;
  temperature: number;
  maxTokens: number;
  seed: number | null;
  /** Ask for JSON through json_schema / tool use (default true); off for servers that lack it. */
  structured: boolean;
  templateHash: string;
  withReference: boolean;
}

/** A run's configuration as stored in llm_runs.config: never an API key, only its variable's name. */
export interface RunConfig {
  fingerprint: string;
  judges: Array<JudgeSettings & { judgeId: string; name: string }>;
  swap: boolean;
  template: { hash: string; source: string | null };
  baseUrl: string | null;
  apiKeyEnv: string | null;
  concurrency: number;
  rpm: number | null;
  leaseSeconds: number;
}

/** A provider-neutral prompt: a system text and a user turn of text and image parts. */
export interface Prompt {
  system: string;
  parts: PromptPart[];
}

export type PromptPart =
  { type: 'text'; text: string } | { type: 'image'; mime: string; base64: string };

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** What came back from one provider call, normalised. `body` is the raw JSON, stored in the cache. */
export interface ProviderReply {
  /** Text the model wrote (for a tool call: the tool input as JSON). */
  text: string;
  /** Structured output, when the provider returned it as an object (tool input or parsed json_schema). */
  object: unknown;
  refusal: string | null;
  usage: Usage;
  body: Record<string, unknown>;
}

export type AttemptOutcome = 'ok' | 'parse_failed' | 'refused' | 'error';

/** A run's counters as they grow, for progress lines and the dashboard. */
export interface RunProgress {
  total: number;
  done: number;
  failed: number;
  calls: number;
  cached: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** How a run (or this worker's part of it) ended. */
export interface RunSummary extends RunProgress {
  runId: string;
  status: LlmRunStatus;
  error: string | null;
  failedByReason: Record<string, number>;
  judges: string[];
}
