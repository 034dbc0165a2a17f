import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addAccount,
  isAdminToken,
  listAccounts,
  rotateAdminToken,
} from '../../../server/auth/service.ts';
import { loadConfig } from '../../../server/config.ts';
import { LOCAL_ACCOUNT, recordRunningServer } from '../../../server/cli/running-server.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';

/**
 * The accounts the server makes for itself (docs/roles.md): a restart of `demo` or of `serve` on
 * the embedded database renews one named account's token instead of adding an account each time.
 */
describe.each(backends())('named server-admin accounts (%s)', (backend) => {
  let tdb: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    dir = await mkdtemp(join(tmpdir(), 'ta-named-admin-'));
  });
  afterAll(async () => {
    await tdb.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('rotating a named admin token keeps one account; the earlier token stops working', async () => {
    const first = await rotateAdminToken(tdb.db, { name: 'demo-admin' });
    const second = await rotateAdminToken(tdb.db, { name: 'demo-admin' });
    expect(second).not.toBe(first);
    expect(await isAdminToken(tdb.db, { token: first })).toBe(false);
    expect(await isAdminToken(tdb.db, { token: second })).toBe(true);
    const named = (await listAccounts(tdb.db)).filter((a) => a.name === 'demo-admin');
    expect(named).toHaveLength(1);
    expect(named[0]).toMatchObject({ serverAdmin: true, revoked: false });
  });

  it('a non-admin account of that name is neither promoted nor robbed of its token', async () => {
    const member = await addAccount(tdb.db, { name: 'not-an-admin', serverAdmin: false });
    const token = await rotateAdminToken(tdb.db, { name: 'not-an-admin' });
    expect(await isAdminToken(tdb.db, { token })).toBe(true);
    const accounts = await listAccounts(tdb.db);
    expect(accounts.find((a) => a.name === 'not-an-admin')).toMatchObject({ serverAdmin: false });
    const { getAccountByToken } = await import('../../../server/auth/repository.ts');
    expect((await getAccountByToken(tdb.db, { token: member.token }))?.account.name).toBe(
      'not-an-admin',
    );
  });

  it("a server's local token: kept while valid, renewed on the same account when not", async () => {
    const config = loadConfig({ TRACEARENA_DATA: dir }, { dataDir: dir });
    const tokenIn = async () =>
      (JSON.parse(await readFile(join(dir, 'server.json'), 'utf8')) as { adminToken: string })
        .adminToken;
    const count = async () => (await listAccounts(tdb.db)).length;
    const before = await count();
    await recordRunningServer(config, tdb.db, 'http://127.0.0.1:1');
    const first = await tokenIn();
    await recordRunningServer(config, tdb.db, 'http://127.0.0.1:1');
    expect(await tokenIn()).toBe(first);
    await rm(join(dir, 'server.json'));
    await recordRunningServer(config, tdb.db, 'http://127.0.0.1:1');
    const renewed = await tokenIn();
    expect(renewed).not.toBe(first);
    expect(await isAdminToken(tdb.db, { token: renewed })).toBe(true);
    // one account for the three starts: local-cli
    expect(await count()).toBe(before + 1);
    expect((await listAccounts(tdb.db)).some((a) => a.name === LOCAL_ACCOUNT)).toBe(true);
  });
});
