import { useId } from 'react';
import type { DashboardSnapshot } from '../../../../shared/admin-views.ts';

const W = 640;
const ROW = 50;
const LEFT = 16;
const RIGHT = 16;
/** Where a pair's name stops: the rate label ("100.0% (n=12345)") is right-aligned after it. */
const NAME_END = W - 130;
/** Code points of a pair's name shown before an ellipsis (its full text is the row's tooltip). */
const NAME_CHARS = 64;

/** "a vs b", cut to NAME_CHARS code points with an ellipsis: a 170-character name ran over the rate. */
function pairLabel(a: string, b: string): string {
  const chars = Array.from(`${a} vs ${b}`);
  return chars.length <= NAME_CHARS
    ? chars.join('')
    : `${chars.slice(0, NAME_CHARS - 1).join('')}…`;
}

/** Each pair's win rate for `a` with its interval, on a 0–100% axis with a line at 50% (SVG, no library). */
export function ForestPlot({ pairs }: { pairs: DashboardSnapshot['pairs'] }) {
  const h = ROW * pairs.length + 40;
  const x = (v: number) => LEFT + v * (W - LEFT - RIGHT);
  const clip = `${useId()}-names`;
  return (
    <svg
      viewBox={`0 0 ${W} ${h}`}
      width="100%"
      role="img"
      aria-label="Win rate of each pair with its confidence interval"
    >
      {/* wide glyphs (CJK) can still outrun the cut: nothing of a name is drawn past NAME_END */}
      <clipPath id={clip}>
        <rect x={0} y={0} width={NAME_END} height={h} />
      </clipPath>
      <line x1={x(0.5)} x2={x(0.5)} y1={10} y2={h - 25} stroke="#999" strokeDasharray="4 3" />
      {[0, 0.25, 0.5, 0.75, 1].map((t) => (
        <text key={t} x={x(t)} y={h - 8} fontSize={11} textAnchor="middle" fill="#555">
          {t * 100}%
        </text>
      ))}
      {pairs.map((p, i) => {
        const y = 36 + i * ROW;
        return (
          <g key={`${p.a}|${p.b}`} data-pair={`${p.a}|${p.b}`}>
            <title>
              {p.a} vs {p.b}
            </title>
            <text x={LEFT} y={y - 12} fontSize={12} clipPath={`url(#${clip})`} data-label="name">
              {pairLabel(p.a, p.b)}
            </text>
            {p.ci ? (
              <line
                x1={x(p.ci[0])}
                x2={x(p.ci[1])}
                y1={y}
                y2={y}
                stroke="#0b57d0"
                strokeWidth={3}
              />
            ) : null}
            {p.winRate !== null ? <circle cx={x(p.winRate)} cy={y} r={6} fill="#0b57d0" /> : null}
            {/* on the name's line, right-aligned: beside the axis it was clipped ("46.7% (n=15") */}
            <text x={W - 4} y={y - 12} fontSize={12} textAnchor="end" data-label="rate">
              {p.winRate === null ? '—' : `${(p.winRate * 100).toFixed(1)}%`} (n={p.n})
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Verdicts per minute over the last half hour. */
export function MinuteBars({ perMinute }: { perMinute: DashboardSnapshot['perMinute'] }) {
  const max = Math.max(1, ...perMinute.map((m) => m.verdicts));
  const w = 640;
  const h = 120;
  const bw = w / Math.max(1, perMinute.length);
  return (
    <svg
      viewBox={`0 0 ${w} ${h + 16}`}
      width="100%"
      role="img"
      aria-label="Verdicts per minute, last 30 minutes"
    >
      {perMinute.map((m, i) => {
        const bh = (m.verdicts / max) * h;
        return (
          <rect key={m.minute} x={i * bw + 1} y={h - bh} width={bw - 2} height={bh} fill="#8a3ffc">
            <title>
              {new Date(m.minute).toLocaleTimeString()}: {m.verdicts}
            </title>
          </rect>
        );
      })}
      <text x={0} y={h + 14} fontSize={11} fill="#555">
        −30 min
      </text>
      <text x={w} y={h + 14} fontSize={11} fill="#555" textAnchor="end">
        now · max {max}/min
      </text>
    </svg>
  );
}
