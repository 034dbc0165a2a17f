import { describe, expect, it } from 'vitest';
import { numberedJudgeNames } from '../../../server/auth/judge-names.ts';

describe('numberedJudgeNames', () => {
  it('numbers from 1 in a study without numbered judges', () => {
    expect(numberedJudgeNames(['alice', 'judge-x'], 3)).toEqual(['judge-1', 'judge-2', 'judge-3']);
  });

  it('numbers on from the highest judge-<n>, gaps left as they are', () => {
    expect(numberedJudgeNames(['judge-2', 'judge-10', 'bob', 'judge-7'], 2)).toEqual([
      'judge-11',
      'judge-12',
    ]);
  });
});
