import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A fake LLM provider: a real HTTP server on 127.0.0.1 speaking OpenAI chat completions
 * (POST /v1/chat/completions, with response_format json_schema and image_url parts) and Anthropic
 * messages (POST /v1/messages, with tools / tool_use and base64 image sources). Every request is
 * recorded; what each one gets back is scripted.
 */
export type Behaviour =
  /** A normal answer; by default the verdict prefers the longer response (see `defaultJudge`). */
  | { kind: 'verdict'; winner?: 'A' | 'B' | 'tie'; reasoning?: string; latencyMs?: number }
  /** Plain text in the message (no structured output), e.g. "[[A]]" or prose. */
  | { kind: 'text'; text: string; latencyMs?: number }
  | { kind: 'status'; status: number; retryAfter?: string; latencyMs?: number; body?: string }
  /** Accepts the request and never answers (until the client gives up). */
  | { kind: 'hang' }
  /** Destroys the connection without an answer. */
  | { kind: 'reset' }
  /** 200 with a body that is cut off in the middle of the JSON. */
  | { kind: 'truncated' }
  | { kind: 'refusal' };

export interface RecordedRequest {
  n: number;
  at: number;
  path: string;
  protocol: 'openai' | 'anthropic';
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: Record<string, unknown>;
  /** The user prompt's text parts, joined. */
  text: string;
  /** Images sent as image parts: media type and base64 length. */
  images: Array<{ mime: string; base64: string }>;
  /** The JSON schema asked for, if any (response_format or tool input_schema). */
  schema: Record<string, unknown> | null;
}

export type Script = (req: RecordedRequest) => Behaviour;

export interface FakeLlm {
  url: string;
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  requests: RecordedRequest[];
  /** Replaces the script (default: every request gets a verdict). */
  script(fn: Script): void;
  /** Fixed extra latency for every verdict, in ms. */
  latencyMs: number;
  /** Tokens reported per answer. */
  usage: { input: number; output: number };
  close(): Promise<void>;
}

/** The default judge: the longer of Response A / Response B wins (ties when equal), axes follow. */
export function defaultJudge(text: string): 'A' | 'B' | 'tie' {
  const a = between(text, '<response_a>', '</response_a>');
  const b = between(text, '<response_b>', '</response_b>');
  if (a.length === b.length) return 'tie';
  return a.length > b.length ? 'A' : 'B';
}

function between(text: string, open: string, close: string): string {
  const i = text.indexOf(open);
  const j = text.indexOf(close, i + open.length);
  return i === -1 || j === -1 ? '' : text.slice(i + open.length, j);
}

export async function startFakeLlm(options: { latencyMs?: number } = {}): Promise<FakeLlm> {
  const requests: RecordedRequest[] = [];
  let script: Script = () => ({ kind: 'verdict' });
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();
  let n = 0;

  const fake: FakeLlm = {
    url: '',
    openaiBaseUrl: '',
    anthropicBaseUrl: '',
    requests,
    script(fn) {
      script = fn;
    },
    latencyMs: options.latencyMs ?? 0,
    usage: { input: 1200, output: 80 },
    async close() {
      for (const res of hung) res.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '';
    const protocol = path.endsWith('/messages')
      ? 'anthropic'
      : path.endsWith('/chat/completions')
        ? 'openai'
        : null;
    if (!protocol || req.method !== 'POST') {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":{"message":"not found"}}');
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end('{"error":{"message":"bad json"}}');
      return;
    }
    const recorded: RecordedRequest = {
      n: n++,
      at: Date.now(),
      path,
      protocol,
      headers: req.headers,
      raw,
      body,
      ...inspect(protocol, body),
    };
    requests.push(recorded);
    const behaviour = script(recorded);
    const wait =
      'latencyMs' in behaviour && behaviour.latencyMs !== undefined
        ? behaviour.latencyMs
        : fake.latencyMs;

    switch (behaviour.kind) {
      case 'hang':
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'truncated': {
        const full = JSON.stringify(
          answer(protocol, body, { text: verdictJson('A', axesOf(recorded)) }, fake.usage),
        );
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(full.slice(0, Math.floor(full.length / 2)));
        return;
      }
      case 'status': {
        await sleep(wait);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (behaviour.retryAfter !== undefined) headers['retry-after'] = behaviour.retryAfter;
        const type =
          protocol === 'anthropic'
            ? { type: 'error', error: { type: 'api_error', message: `status ${behaviour.status}` } }
            : { error: { message: `status ${behaviour.status}`, type: 'server_error' } };
        res.writeHead(behaviour.status, headers).end(behaviour.body ?? JSON.stringify(type));
        return;
      }
      case 'refusal':
        await sleep(wait);
        send(res, answer(protocol, body, { refusal: 'I cannot help with that.' }, fake.usage));
        return;
      case 'text':
        await sleep(wait);
        send(res, answer(protocol, body, { text: behaviour.text, plain: true }, fake.usage));
        return;
      case 'verdict': {
        await sleep(wait);
        const winner = behaviour.winner ?? defaultJudge(recorded.text);
        send(
          res,
          answer(
            protocol,
            body,
            { text: verdictJson(winner, axesOf(recorded), behaviour.reasoning) },
            fake.usage,
          ),
        );
        return;
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.openaiBaseUrl = `${fake.url}/v1`;
  fake.anthropicBaseUrl = fake.url;
  return fake;
}

function sleep(ms: number) {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

function send(res: ServerResponse, json: unknown) {
  if (res.destroyed) return;
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json));
}

function axesOf(r: RecordedRequest): string[] {
  const props = (
    r.schema?.properties as { axes?: { properties?: Record<string, unknown> } } | undefined
  )?.axes?.properties;
  return props ? Object.keys(props) : [];
}

function verdictJson(winner: 'A' | 'B' | 'tie', axes: string[], reasoning?: string): string {
  return JSON.stringify({
    reasoning:
      reasoning ??
      `Response ${winner === 'tie' ? 'A and B are equivalent' : winner} reasons better.`,
    axes: Object.fromEntries(axes.map((a) => [a, winner])),
    winner,
  });
}

interface Part {
  type: string;
  text?: string;
  image_url?: { url: string };
  source?: { type: string; media_type: string; data: string };
}

function inspect(protocol: 'openai' | 'anthropic', body: Record<string, unknown>) {
  const messages = (body.messages ?? []) as Array<{ role: string; content: string | Part[] }>;
  const texts: string[] = [];
  const images: Array<{ mime: string; base64: string }> = [];
  for (const m of messages) {
    if (m.role !== 'user') continue;
    const parts = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    for (const p of parts) {
      if (p.type === 'text') texts.push(p.text ?? '');
      if (p.type === 'image_url' && p.image_url) {
        const match = /^data:([^;]+);base64,(.*)$/s.exec(p.image_url.url);
        if (match) images.push({ mime: match[1]!, base64: match[2]! });
      }
      if (p.type === 'image' && p.source?.type === 'base64')
        images.push({ mime: p.source.media_type, base64: p.source.data });
    }
  }
  let schema: Record<string, unknown> | null = null;
  if (protocol === 'openai') {
    const rf = body.response_format as
      { type?: string; json_schema?: { schema?: Record<string, unknown> } } | undefined;
    if (rf?.type === 'json_schema') schema = rf.json_schema?.schema ?? null;
  } else {
    const tools = body.tools as Array<{ input_schema?: Record<string, unknown> }> | undefined;
    schema = tools?.[0]?.input_schema ?? null;
  }
  return { text: texts.join('\n'), images, schema };
}

function answer(
  protocol: 'openai' | 'anthropic',
  body: Record<string, unknown>,
  content: { text?: string; refusal?: string; plain?: boolean },
  usage: { input: number; output: number },
) {
  const model = String(body.model ?? 'fake');
  if (protocol === 'openai') {
    return {
      id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: content.refusal ? null : (content.text ?? ''),
            refusal: content.refusal ?? null,
          },
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: usage.input,
        completion_tokens: usage.output,
        total_tokens: usage.input + usage.output,
      },
    };
  }
  const tools = body.tools as Array<{ name: string }> | undefined;
  let blocks: unknown[];
  if (content.refusal) blocks = [{ type: 'text', text: content.refusal }];
  else if (tools?.[0] && !content.plain) {
    let input: unknown;
    try {
      input = JSON.parse(content.text ?? '{}');
    } catch {
      input = {};
    }
    blocks = [
      {
        type: 'tool_use',
        id: `toolu_${Math.random().toString(36).slice(2)}`,
        name: tools[0].name,
        input,
      },
    ];
  } else blocks = [{ type: 'text', text: content.text ?? '' }];
  return {
    id: `msg_${Math.random().toString(36).slice(2)}`,
    type: 'message',
    role: 'assistant',
    model,
    content: blocks,
    stop_reason: content.refusal
      ? 'refusal'
      : tools?.[0] && !content.plain
        ? 'tool_use'
        : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: usage.input, output_tokens: usage.output },
  };
}
