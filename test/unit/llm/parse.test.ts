import { describe, expect, it } from 'vitest';
import { parseVerdict } from '../../../server/llm/parse.ts';

const read = (text: string) => parseVerdict({ text }, ['perception']);

describe('parseVerdict: a verdict is read only when everything the answer states agrees', () => {
  it.each([
    // an adversarial run stored each of these as "A won" (the first format tried won)
    [
      'JSON, then a different bracketed verdict',
      '{"winner": "A", "reasoning": "x"}\nOn reflection my final verdict is [[B]].',
    ],
    ['two JSON objects that disagree', 'Draft: {"winner": "A"}. Corrected: {"winner": "B"}'],
    ['a bracketed verdict and a different label', '[[A]] overall, but winner: B'],
    ['two bracketed verdicts', '[[A]] … no, [[B]]'],
    ['the same side at two strengths', '[[A>>B]] then [[A>B]]'],
    // an LLM-run audit: the article "a" was read as Response A, so every such answer went to the
    // side shown first (120 of 120 verdicts of a run answering "a tie" in both orders)
    ['the article a before a win for B', 'Overall preference: a slight edge to Response B.'],
    ['the article a before a narrow win', 'The final verdict is a narrow win for B.'],
    ['a toss-up', 'Winner: a toss-up'],
    ['a close call', 'The better response is a close call'],
    ['a lower-case b (refused like a: neither side is favoured)', 'winner: b'],
    ['JSON fields that disagree', '{"verdict": "B", "winner": "A"}'],
    // a review of that fix: the article as a capital was still Response A
    ['a capital article before a win for B', 'Verdict: A clear win for Response B.'],
    ['a bold label and a capital article', '**Final verdict:** A narrow win for Response B.'],
    ['a capital article before an edge', 'Preference: A slight edge to B.'],
    ['a capital toss-up', 'Winner: A toss-up.'],
    ['a B followed by a word (refused as A is)', 'Verdict: B clear win for Response A.'],
  ])('%s: none (parse_failed), not a guess', (_what, text) => {
    expect(read(text)).toBeNull();
  });

  it.each([
    ['a bracketed verdict', 'After weighing both: [[B]]', 'B', null],
    ['an Arena-Hard verdict', 'My final verdict is [[A>>B]].', 'A', 2],
    ['JSON in prose', 'Here: {"winner": "tie", "axes": {}} done', 'tie', null],
    [
      'JSON whose reasoning names the other side',
      '{"winner": "A", "reasoning": "the winner: B claim is wrong"}',
      'A',
      null,
    ],
    ['JSON and prose that agree', '{"winner": "B"}\nFinal verdict: [[B]]', 'B', null],
    ['a label and a bracket that agree', 'Winner: A. [[A]]', 'A', null],
    [
      'a tie with its article',
      'Both responses are equally sound. Final verdict: a tie.',
      'tie',
      null,
    ],
    ['a capital A', 'Final verdict: A', 'A', null],
    ['"Response B"', 'The better response is Response B.', 'B', null],
    ['JSON fields that agree', '{"verdict": "B", "winner": "b"}', 'B', null],
    ['a letter, then a line beginning "Tie"', 'Final verdict: A\nTie-breaker: none', 'A', null],
    ['a bold letter, then "Tie-breakers"', '**Winner:** A\n\nTie-breakers: none', 'A', null],
    ['a letter and its reason', 'Final verdict: B, since it reads the film correctly.', 'B', null],
    ['a capital article before tie', 'Verdict: A tie.', 'tie', null],
  ])('%s: read', (_what, text, winner, strength) => {
    expect(read(text)).toMatchObject({ winner, strength });
  });

  it('keeps the structured object when one is given', () => {
    expect(
      parseVerdict({ text: 'ignored', object: { winner: 'B', axes: { perception: 'A' } } }, [
        'perception',
      ]),
    ).toMatchObject({
      winner: 'B',
      axes: { perception: 'A' },
    });
  });
});
