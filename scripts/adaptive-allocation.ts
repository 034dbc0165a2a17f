/**
 * Adaptive against uniform allocation (issue 15), seeded: for 6-system studies (all 15 pairs) of
 * several strength profiles, the verdicts needed until every pair's 95% win-rate interval is at
 * most ±0.05 wide, averaged over 20 seeds, and the saving. Run: npx tsx scripts/adaptive-allocation.ts
 * The adaptive plan is `planAllocation` (server/stats/allocation.ts), the queue's own function.
 */
import { simulateAllocation } from '../server/stats/allocation-simulation.ts';

const PROFILES: Array<{ name: string; strengths: number[] }> = [
  { name: 'two tiers (0, .2, .4 / 1.5, 2.5, 3.5)', strengths: [0, 0.2, 0.4, 1.5, 2.5, 3.5] },
  { name: 'evenly spread over 2.5 logits', strengths: [0, 0.5, 1, 1.5, 2, 2.5] },
  { name: 'evenly spread over 1.5 logits', strengths: [0, 0.3, 0.6, 0.9, 1.2, 1.5] },
  { name: 'all equal', strengths: [0, 0, 0, 0, 0, 0] },
];
const TARGET = 0.05;
const SEEDS = 20;

console.log(`| profile | uniform verdicts | adaptive verdicts | saving |`);
console.log(`| --- | ---: | ---: | ---: |`);
for (const { name, strengths } of PROFILES) {
  let uniform = 0;
  let adaptive = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    uniform += simulateAllocation({ strengths, target: TARGET, seed, mode: 'uniform' }).verdicts;
    adaptive += simulateAllocation({ strengths, target: TARGET, seed, mode: 'adaptive' }).verdicts;
  }
  const saving = 1 - adaptive / uniform;
  console.log(
    `| ${name} | ${(uniform / SEEDS).toFixed(0)} | ${(adaptive / SEEDS).toFixed(0)} | ${(100 * saving).toFixed(1)}% |`,
  );
}
