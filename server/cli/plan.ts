import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { analysisPlanSchema, type AnalysisPlan, type LockedPlan } from '../../shared/plan.ts';
import { ciChoiceSchema, tiesModeSchema } from '../../shared/report.ts';
import {
  itemsForHalfWidth,
  itemsForPower,
  type PlanDesign,
  type SampleSize,
} from '../stats/sample-size.ts';
import { addDbOptions, addServerOptions, CliError, type DbOptions } from './common.ts';
import { onStudy, serverRequest } from './running-server.ts';

interface PowerFlags {
  rate: number;
  icc: number;
  verdictsPerItem: number;
  halfWidth?: number;
  level: number;
  power?: number;
  alpha: number;
}

/**
 * Below this many items the power's normal approximation is optimistic: at 9–10 items with ICC
 * 0.5 the simulation gave 0.70–0.76 where 0.84 was promised (docs/statistics.md).
 */
const FEW_ITEMS = 30;

/** A number flag inside (lo, hi) (or [lo, hi] when `closed`), refused in one plain line. */
function numberIn(name: string, lo: number, hi: number, closed = false) {
  return (value: string): number => {
    const n = Number(value);
    const inside = closed ? n >= lo && n <= hi : n > lo && n < hi;
    if (value.trim() === '' || !Number.isFinite(n) || !inside) {
      const range = closed ? `[${lo}, ${hi}]` : `(${lo}, ${hi})`;
      throw new CliError(`option '${name}': expected a number in ${range}, got '${value}'`, 2);
    }
    return n;
  };
}

function oneOf(name: string, choices: readonly string[]) {
  return (value: string): string => {
    if (!choices.includes(value))
      throw new CliError(
        `option '${name}': expected one of ${choices.join(', ')}, got '${value}'`,
        2,
      );
    return value;
  };
}

function positiveInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < 1)
      throw new CliError(`option '${name}': expected an integer >= 1, got '${value}'`, 2);
    return n;
  };
}

function describe(d: PlanDesign, s: SampleSize): string {
  const interval =
    d.verdictsPerItem > 1
      ? `cluster-Wilson, t on ${s.df} degrees of freedom (${s.critical.toFixed(3)})`
      : `Wilson, z (${s.critical.toFixed(3)})`;
  return (
    `  rate ${d.rate}, ICC ${d.icc}, ${d.verdictsPerItem} verdict${d.verdictsPerItem > 1 ? 's' : ''} per item: ` +
    `design effect ${s.deff.toFixed(3)}, effective sample size ${s.effectiveN.toFixed(1)}\n` +
    `  interval: ${interval}\n`
  );
}

function power(flags: PowerFlags): void {
  const d: PlanDesign = {
    rate: flags.rate,
    icc: flags.icc,
    verdictsPerItem: flags.verdictsPerItem,
  };
  if ((flags.halfWidth === undefined) === (flags.power === undefined))
    throw new CliError('give exactly one of --half-width and --power', 2);
  if (flags.power !== undefined) {
    if (d.rate === 0.5)
      throw new CliError("option '--rate': the test of ½ has no power at a rate of 0.5", 2);
    if (!(flags.power > flags.alpha))
      throw new CliError("option '--power': must be above --alpha", 2);
    const found = itemsForPower(d, flags.power, flags.alpha);
    if (found.value === null) throw new CliError(found.reason, 2);
    const s = found.value;
    process.stdout.write(
      `items needed: ${s.items} (${s.verdicts} verdicts) for power ${s.power!.toFixed(3)} ` +
        `against ½ at alpha ${flags.alpha}\n${describe(d, s)}` +
        `  expected half-width at ${1 - flags.alpha} there: ${s.halfWidth.toFixed(4)}\n`,
    );
    if (s.items < FEW_ITEMS)
      process.stderr.write(
        `tracearena: fewer than ${FEW_ITEMS} items: the power's normal approximation is optimistic here (docs/statistics.md)\n`,
      );
    return;
  }
  const found = itemsForHalfWidth(d, flags.halfWidth!, flags.level);
  if (found.value === null) throw new CliError(found.reason, 2);
  const s = found.value;
  process.stdout.write(
    `items needed: ${s.items} (${s.verdicts} verdicts) for an expected half-width of ` +
      `${s.halfWidth.toFixed(4)} <= ${flags.halfWidth} at level ${flags.level}\n${describe(d, s)}`,
  );
}

interface LockFlags extends DbOptions {
  study?: string;
  a?: string;
  b?: string;
  ties?: string;
  ci?: string;
  level?: number;
  judges?: number;
  stop?: string;
  halfWidth?: number;
  items?: number;
  force?: boolean;
}

/** The flags that make `plan --study S` lock a plan; without any of them it shows the plan. */
const PLAN_FLAGS = [
  'a',
  'b',
  'ties',
  'ci',
  'level',
  'judges',
  'stop',
  'halfWidth',
  'items',
] as const;

const FLAG_OF: Record<string, string> = {
  'primary.a': '--a',
  'primary.b': '--b',
  'metric.ties': '--ties',
  'interval.ci': '--ci',
  'interval.level': '--level',
  judgesPerComparison: '--judges',
  'stopping.rule': '--stop',
  'stopping.halfWidth': '--half-width',
  items: '--items',
};

/** The plan the flags describe, or the first problem as one line naming its flag. */
function planFromFlags(flags: LockFlags, studyJudges: number): AnalysisPlan {
  if (flags.a === undefined || flags.b === undefined)
    throw new CliError('give the primary comparison with --a <system> and --b <system>', 2);
  if (flags.items === undefined)
    throw new CliError("required option '--items <n>' (the planned sample size) not specified", 2);
  const stop = flags.stop ?? 'fixed';
  if (stop === 'sequential' && flags.halfWidth === undefined)
    throw new CliError("option '--stop sequential': give the target --half-width", 2);
  if (stop === 'fixed' && flags.halfWidth !== undefined)
    throw new CliError("option '--half-width': only with --stop sequential", 2);
  const parsed = analysisPlanSchema.safeParse({
    version: 1,
    primary: { a: flags.a, b: flags.b },
    metric: { kind: 'win-rate', ties: flags.ties ?? 'half' },
    interval: { ci: flags.ci ?? 'auto', level: flags.level ?? 0.95 },
    judgesPerComparison: flags.judges ?? studyJudges,
    stopping:
      stop === 'sequential' ? { rule: 'sequential', halfWidth: flags.halfWidth } : { rule: stop },
    items: flags.items,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.');
    const flag = FLAG_OF[path] ?? FLAG_OF[path.split('.')[0]!] ?? path;
    throw new CliError(`option '${flag}': ${issue.message}`, 2);
  }
  return parsed.data;
}

/** A locked plan in a few lines: its hash first (what a paper cites), then what it fixes. */
function describePlan(study: string, locked: LockedPlan): string {
  const p = locked.plan;
  const stop =
    p.stopping.rule === 'fixed'
      ? `fixed at ${p.items} items`
      : `sequential, at a half-width of ${p.stopping.halfWidth} (at most ${p.items} items)`;
  return (
    `study '${study}': analysis plan locked ${locked.lockedAt} by ${locked.lockedBy}\n` +
    `  SHA-256 ${locked.sha256}\n` +
    `  primary: win rate of ${p.primary.a} against ${p.primary.b}, ties ${p.metric.ties === 'half' ? 'as half a win' : 'excluded'}\n` +
    `  interval: ${p.interval.ci} at level ${p.interval.level}; ${p.judgesPerComparison} judge${p.judgesPerComparison === 1 ? '' : 's'} per comparison\n` +
    `  stopping rule: ${stop}\n` +
    (locked.forced
      ? `  locked after judging had started (forced, ${locked.verdictsAtLock} verdicts in)\n`
      : '')
  );
}

async function lockOrShow(flags: LockFlags): Promise<void> {
  if (flags.study === undefined)
    throw new CliError("required option '--study <name>' not specified", 2);
  const name = flags.study;
  const locking = PLAN_FLAGS.some((f) => flags[f] !== undefined);
  if (!locking && flags.force)
    throw new CliError("option '--force': only when locking a plan (give its options)", 2);
  // the flags are checked before any database is opened (the study's judges default aside)
  if (locking) planFromFlags(flags, flags.judges ?? 1);
  const by = `cli (${userInfo().username})`;
  await onStudy(flags, name, {
    server: async (server, studyId) => {
      if (!locking) {
        const res = await serverRequest(server, `/api/studies/${studyId}/plan`);
        const { plan } = (await res.json()) as { plan: LockedPlan | null };
        return show(name, plan);
      }
      const summary = (await (await serverRequest(server, `/api/studies/${studyId}`)).json()) as {
        judgesPerComparison: number;
      };
      const plan = planFromFlags(flags, summary.judgesPerComparison);
      const res = await serverRequest(server, `/api/studies/${studyId}/plan`, {
        method: 'POST',
        body: { plan, force: flags.force ?? false },
      });
      return locked(name, (await res.json()) as LockedPlan);
    },
    database: async (database, study) => {
      const { getLockedPlan, lockPlan } = await import('../plan/service.ts');
      if (!locking)
        return show(study.name, await getLockedPlan(database.db, { studyId: study.id }));
      const plan = planFromFlags(flags, study.judgesPerComparison);
      const result = await lockPlan(database.db, {
        studyId: study.id,
        plan,
        force: flags.force ?? false,
        lockedBy: by,
        actor: 'cli',
      }).catch((err: unknown) => {
        // the plan's refusals (a second lock, judging started, an unknown system): one line, exit 2
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'string' && code.startsWith('TA_PLAN_'))
          throw new CliError((err as Error).message, 2);
        throw err;
      });
      locked(study.name, result);
    },
  });
}

function show(study: string, plan: LockedPlan | null): void {
  if (!plan) {
    process.stdout.write(`study '${study}' has no locked analysis plan\n`);
    return;
  }
  process.stdout.write(describePlan(study, plan));
}

function locked(study: string, plan: LockedPlan): void {
  process.stdout.write(describePlan(study, plan));
  if (plan.forced)
    process.stderr.write(
      `tracearena: the plan was locked after judging had started (${plan.verdictsAtLock} verdicts): every report says so\n`,
    );
}

export function register(program: Command): void {
  // `plan --level` and `plan power --level` are different flags: a parent's options are read only
  // before its subcommand's name (commander needs this on the program too)
  program.enablePositionalOptions();
  const plan = addServerOptions(
    addDbOptions(
      program
        .command('plan')
        .description(
          'lock the analysis plan of a study before judging starts (docs/plan.md); with --study alone, show it',
        )
        .enablePositionalOptions()
        // not a required option: commander would demand it of `plan power` too
        .option('--study <name>', 'study name (required)')
        .option('--a <system>', 'primary comparison: the system whose win rate is reported')
        .option('--b <system>', 'primary comparison: the system it is compared with')
        .option(
          '--ties <mode>',
          'ties: half (half a win) or exclude (default half)',
          oneOf('--ties', tiesModeSchema.options),
        )
        .option(
          '--ci <method>',
          'interval of the primary comparison (default auto)',
          oneOf('--ci', ciChoiceSchema.options),
        )
        .option(
          '--level <level>',
          'confidence level (default 0.95)',
          numberIn('--level', 0.5, 0.999999, true),
        )
        .option(
          '--judges <k>',
          'judges per comparison (default: the study setting)',
          positiveInteger('--judges'),
        )
        .option(
          '--stop <rule>',
          'stopping rule: fixed (at --items) or sequential (at --half-width)',
          oneOf('--stop', ['fixed', 'sequential']),
        )
        .option(
          '--half-width <h>',
          'target half-width of the sequential rule',
          numberIn('--half-width', 0, 0.5),
        )
        .option(
          '--items <n>',
          'planned sample size: items of the primary comparison (see plan power)',
          positiveInteger('--items'),
        )
        .option('--force', 'lock even though judging has started (recorded as forced)'),
    ),
  ).action((flags: LockFlags) => lockOrShow(flags));
  plan
    .command('power')
    .description(
      "items a study needs for the report's default interval to reach a half-width, or its test of ½ a power (docs/statistics.md)",
    )
    .requiredOption('--rate <p>', 'expected win rate of the first system', numberIn('--rate', 0, 1))
    .requiredOption(
      '--icc <rho>',
      'intra-item correlation of the verdicts',
      numberIn('--icc', 0, 1, true),
    )
    .requiredOption(
      '--verdicts-per-item <m>',
      'verdicts on each item (judges × orders)',
      positiveInteger('--verdicts-per-item'),
    )
    .option(
      '--half-width <h>',
      'target half-width of the default interval',
      numberIn('--half-width', 0, 0.5),
    )
    .option('--level <level>', 'confidence level of the interval', numberIn('--level', 0, 1), 0.95)
    .option('--power <power>', 'target power of the test against ½', numberIn('--power', 0, 1))
    .option('--alpha <alpha>', 'level of the test against ½', numberIn('--alpha', 0, 1), 0.05)
    .action((flags: PowerFlags) => power(flags));
}
