import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../../server/db/connection-errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    [
      'admin_shutdown (57P01)',
      withCode('57P01', 'terminating connection due to administrator command'),
    ],
    ['cannot_connect_now (57P03)', withCode('57P03', 'the database system is starting up')],
    ['a connection exception (08006)', withCode('08006')],
    ['a socket closed mid-query', new Error('Connection terminated unexpectedly')],
    [
      'a client that lost its socket',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    [
      'drizzle wrapping a refused connection',
      new Error('Failed query: select 1', { cause: withCode('ECONNREFUSED') }),
    ],
    ['localhost refusing on every address', new AggregateError([withCode('ECONNREFUSED')], '')],
  ])('is true for %s', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505', 'duplicate key value')],
    ['a syntax error', withCode('42601')],
    ['a plain bug', new TypeError('x is undefined')],
    ['a non-error', 'ECONNREFUSED'],
  ])('is false for %s', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
