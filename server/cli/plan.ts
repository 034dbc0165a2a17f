import type { Command } from 'commander';
import {
  itemsForHalfWidth,
  itemsForPower,
  type PlanDesign,
  type SampleSize,
} from '../stats/sample-size.ts';
import { CliError } from './common.ts';

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

export function register(program: Command): void {
  const plan = program.command('plan').description('plan a study before judging starts');
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
