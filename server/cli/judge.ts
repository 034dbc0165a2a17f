import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { Errors } from '../errors.ts';
import { DEFAULTS, resolveProviderAccess } from '../llm/config.ts';
import { loadPriceFile } from '../llm/prices.ts';
import { runJudging } from '../llm/runner.ts';
import { countComparisons, toRunOptions } from '../llm/service.ts';
import { errorLine } from '../llm/stored-text.ts';
import type { RunProgress, RunSummary } from '../llm/types.ts';
import {
  addDbOptions,
  CliError,
  configFromOptions,
  parseIntOption,
  requireStudy,
  withDatabase,
  type DbOptions,
} from './common.ts';
import { parseRunFlags, type RunFiles, type RunFlags } from './judge-flags.ts';
import { createProgress } from './progress.ts';

interface JudgeOptions extends DbOptions, RunFlags {
  study: string;
  template?: string;
  prices?: string;
  leaseSeconds: number;
  timeout: number;
  maxRetries: number;
  maxFailedShare: number;
}

/** Refusals of a run's settings (template, endpoint, key): bad input, exit 2. */
const REFUSALS = [Errors.BadRequest, Errors.LlmNotAllowed, Errors.LlmKeyMissing];

const parseNumber =
  (name: string, min = 0) =>
  (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min)
      throw new CliError(`option '${name}': expected a number >= ${min}, got '${value}'`, 2);
    return n;
  };

export function register(program: Command): void {
  const cmd = program
    .command('judge')
    .description(
      'Run LLM judges over a study (resumable: run the same command again to finish). Each model is one judge; ' +
        'judges see "Response A / Response B", never system names; the API key is read from an environment variable and never stored.',
    )
    .requiredOption('--study <name>', 'study name')
    .requiredOption(
      '--model <model>',
      'judge model (repeat for a panel: --model a --model b)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .addOption(
      new Option('--provider <provider>', 'API protocol')
        .choices(['openai', 'anthropic'])
        .default('openai'),
    )
    .option(
      '--base-url <url>',
      'OpenAI-compatible or Anthropic base URL (vLLM, llama.cpp, Ollama, a gateway…), listed in TRACEARENA_LLM_ENDPOINTS',
    )
    .option(
      '--api-key-env <VAR>',
      'environment variable holding the API key (default OPENAI_API_KEY / ANTHROPIC_API_KEY), listed in TRACEARENA_LLM_KEY_ENVS',
    )
    .option(
      '--concurrency <n>',
      'calls in flight',
      parseIntOption('--concurrency', 1),
      DEFAULTS.concurrency,
    )
    .option('--rpm <n>', 'requests per minute at most', parseIntOption('--rpm', 1))
    .option('--swap', 'judge every comparison in both orders (position-bias control)')
    .option(
      '--max-cost <usd>',
      'budget in USD; never exceeded (an estimate is reserved before each call)',
      parseNumber('--max-cost'),
    )
    .option('--template <file>', 'custom prompt template (see docs/llm-judging.md)')
    .option('--with-reference', "show the item's reference answer to the judge")
    .option(
      '--temperature <t>',
      'sampling temperature',
      parseNumber('--temperature'),
      DEFAULTS.temperature,
    )
    .option(
      '--max-tokens <n>',
      'output token limit per call',
      parseIntOption('--max-tokens', 1),
      DEFAULTS.maxTokens,
    )
    .option(
      '--seed <s>',
      'sampling seed, where the provider supports one',
      parseIntOption('--seed', 0),
    )
    .option(
      '--prices <file>',
      'JSON price table overriding the built-in one: {"model": {"input": USD/1M, "output": USD/1M}}',
    )
    .option(
      '--no-structured',
      'do not ask for JSON output (for servers without json_schema or tool support)',
    )
    .option(
      '--lease-seconds <n>',
      'lease on a comparison while it is judged',
      parseIntOption('--lease-seconds', 2),
      DEFAULTS.leaseSeconds,
    )
    .option(
      '--timeout <ms>',
      'deadline of one provider call attempt',
      parseIntOption('--timeout', 1),
      DEFAULTS.timeoutMs,
    )
    .option(
      '--max-failed-share <fraction>',
      'the run ends failed (exit 1) when more than this share of its orders failed, or all did',
      parseNumber('--max-failed-share'),
      DEFAULTS.maxFailedShare,
    )
    .option(
      '--max-retries <n>',
      'retries per call (429 honouring Retry-After, 5xx, timeouts, resets)',
      parseIntOption('--max-retries', 0),
      DEFAULTS.maxRetries,
    );
  addDbOptions(cmd).action(async (opts: JudgeOptions) => {
    // Refused before the database opens: the endpoint and key variable must be in the allowlist.
    refusing(() => resolveProviderAccess(configFromOptions(opts), opts));
    await withDatabase(opts, async (database, config) => {
      try {
        await judge(database, config);
      } catch (err) {
        // One line, whatever failed (a database error's message holds its whole query).
        throw err instanceof CliError ? err : new CliError(errorLine(err), 1);
      }
    });

    async function judge(database: Database, config: Config): Promise<void> {
      const study = await requireStudy(database, opts.study);
      if ((await countComparisons(database, study.id)) === 0)
        throw new CliError(
          `study '${study.name}' has no comparisons: run 'tracearena pair --study ${study.name}' first`,
          2,
        );

      const files: RunFiles = {};
      try {
        if (opts.prices)
          files.prices = { path: opts.prices, table: await loadPriceFile(opts.prices) };
        if (opts.template)
          files.template = { path: opts.template, text: await readFile(opts.template, 'utf8') };
      } catch (err) {
        throw new CliError(err instanceof Error ? err.message : String(err), 2);
      }
      const parsed = parseRunFlags(opts, files);
      if ('error' in parsed) throw new CliError(parsed.error, 2);
      const runOptions = refusing(() =>
        toRunOptions(config, study.id, parsed.body, {
          templateSource: opts.template,
          leaseSeconds: opts.leaseSeconds,
          timeoutMs: opts.timeout,
          maxRetries: opts.maxRetries,
          maxFailedShare: opts.maxFailedShare,
        }),
      );

      const controller = new AbortController();
      let interrupted = 0;
      const onSignal = () => {
        interrupted++;
        if (interrupted > 1) process.exit(130);
        process.stderr.write(
          '\nstopping: finishing the calls in flight (Ctrl-C again to quit at once)\n',
        );
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);

      let bar: ReturnType<typeof createProgress> | null = null;
      const started = Date.now();
      let startDone = 0;
      let summary: RunSummary;
      try {
        summary = await runJudging(database, runOptions, {
          signal: controller.signal,
          actor: 'cli',
          onStart(run) {
            startDone = run.done + run.failed;
            process.stderr.write(
              `run ${run.id}: ${opts.model.join(', ')} on '${study.name}'${runOptions.swap ? ' (both orders)' : ''}\n`,
            );
            bar = createProgress({ label: 'judging', total: Math.max(run.total, 1) });
          },
          onProgress(p) {
            const b = bar as ReturnType<typeof createProgress> | null;
            if (!b) return;
            b.setTotal(Math.max(p.total, 1));
            b.update(p.done + p.failed, progressExtra(p, started, startDone));
          },
        });
      } finally {
        (bar as ReturnType<typeof createProgress> | null)?.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      process.stdout.write(`${summaryLine(summary)}\n`);
      if (summary.status === 'budget_exhausted') process.exitCode = 3;
      else if (summary.status === 'failed') process.exitCode = 1;
      else if (summary.status === 'cancelled') process.exitCode = 130;
    }
  });
}

/** Runs `fn`, turning a refused setting into the CLI's one line and exit 2. */
function refusing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (REFUSALS.some((E) => err instanceof E)) throw new CliError((err as Error).message, 2);
    throw err;
  }
}

function progressExtra(p: RunProgress, started: number, startDone: number): string {
  const finished = p.done + p.failed;
  const seconds = (Date.now() - started) / 1000;
  const rate = seconds > 0 ? (finished - startDone) / seconds : 0;
  const left = Math.max(0, p.total - finished);
  const eta = rate > 0 ? formatDuration(left / rate) : '?';
  return `| ${rate.toFixed(1)}/s | ETA ${eta} | ${p.inputTokens + p.outputTokens} tok | $${p.costUsd.toFixed(4)}${p.failed ? ` | ${p.failed} failed` : ''}`;
}

function formatDuration(s: number): string {
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function summaryLine(s: RunSummary): string {
  const reasons = Object.entries(s.failedByReason)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `run ${s.runId} ${s.status}${s.error ? ` (${s.error})` : ''}`,
    `${s.done}/${s.total} verdicts`,
    `${s.failed} failed${reasons ? ` (${reasons})` : ''}`,
    `${s.calls} calls, ${s.cached} cached`,
    `${s.inputTokens} input + ${s.outputTokens} output tokens`,
    `$${s.costUsd.toFixed(4)}`,
  ].join(' | ');
}
