import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, stop, type CliResult } from '../../helpers/processes.ts';

/**
 * `tracearena import FILE --study S` through a server: with a person's own token (`--server`,
 * TRACEARENA_TOKEN), limited by their role, and on a data folder that a running `serve` holds. The
 * file is checked locally first; the data file and the images its records name are uploaded.
 */
const LISTENING = /TraceArena listening on (http:\/\/\S+) \(pglite\)\n/;
/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let dir: string;
let data: string;
let server: Awaited<ReturnType<typeof startCli>>;
let url: string;
let olga: string;
let vera: string;
let root: string;

const local = (args: string[]): Promise<CliResult> =>
  runCli([...args, '--data', data], { DATABASE_URL: undefined, TRACEARENA_SERVER: undefined });
const as = (token: string, args: string[]): Promise<CliResult> =>
  runCli([...args, '--server', url], {
    TRACEARENA_TOKEN: token,
    DATABASE_URL: undefined,
    TRACEARENA_SERVER: undefined,
  });

function ok(r: CliResult): string {
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

async function api<T>(token: string, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}
const studies = async () =>
  (await api<Array<{ id: string; name: string }>>(root, '/api/studies')).map((s) => s.name);
async function itemIds(study: string): Promise<string[]> {
  const all = await api<Array<{ id: string; name: string }>>(root, '/api/studies');
  const id = all.find((s) => s.name === study)!.id;
  const list = await api<{ items: Array<{ externalId: string }> }>(
    root,
    `/api/studies/${id}/items?limit=200`,
  );
  return list.items.map((i) => i.externalId).sort();
}

const outputs = { a: { trace: 't', answer: 'x' }, b: { trace: 'u', answer: 'y' } };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ta-import-server-'));
  data = join(dir, 'data');
  // the study 'alpha' starts with one item without outputs: only what is imported later is paired
  const seed = join(dir, 'seed.jsonl');
  await writeFile(seed, `${JSON.stringify({ id: 'q1', question: 'Q?' })}\n`);
  ok(await local(['import', seed, '--study', 'alpha']));
  olga = ok(await local(['user', 'add', 'olga'])).trim();
  ok(await local(['user', 'grant', 'olga', '--study', 'alpha', '--role', 'owner']));
  vera = ok(await local(['user', 'add', 'vera'])).trim();
  ok(await local(['user', 'grant', 'vera', '--study', 'alpha', '--role', 'viewer']));
  root = ok(await local(['user', 'add', 'root', '--role', 'server-admin'])).trim();

  await mkdir(join(dir, 'img'));
  await writeFile(join(dir, 'img', 'q-17.png'), PNG);
  await writeFile(
    join(dir, 'with-image.jsonl'),
    `${JSON.stringify({ id: 'q-17', question: 'What is shown?', images: ['img/q-17.png'], outputs })}\n`,
  );

  server = await startCli(['serve', '--data', data, '--port', '0'], LISTENING, {
    DATABASE_URL: undefined,
    HOST: '127.0.0.1',
  });
  url = server.match[1]!;
}, 240_000);
afterAll(async () => {
  if (server) await stop(server.child);
  await rm(dir, { recursive: true, force: true });
});

describe('tracearena import through a server', () => {
  it('an owner imports an items file with an image through --server; the judge is shown the image', async () => {
    const r = await as(olga, ['import', join(dir, 'with-image.jsonl'), '--study', 'alpha']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("imported 1 items, 2 outputs (3 new) into study 'alpha'\n");
    expect(await itemIds('alpha')).toEqual(['q-17', 'q1']);

    // the image came with the upload: pair, invite a judge, and the judge's item serves it
    ok(await as(olga, ['pair', '--study', 'alpha', '--base', 'b']));
    const link = ok(await as(olga, ['invite', '--study', 'alpha', '--name', 'j1'])).trim();
    const judge = /#token=(ta_judge_[\w-]+)$/.exec(link)![1]!;
    const next = await api<{ assignment: { item: { images: string[] } } }>(
      judge,
      '/api/judge/next',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
    );
    expect(next.assignment.item.images).toHaveLength(1);
    const image = await fetch(`${url}${next.assignment.item.images[0]}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG);

    // the same file again: nothing new
    const again = await as(olga, ['import', join(dir, 'with-image.jsonl'), '--study', 'alpha']);
    expect(again.stdout).toBe("imported 1 items, 2 outputs (0 new) into study 'alpha'\n");
  }, 120_000);

  it("a viewer's import is refused in one line and writes nothing; creating a study needs a server-admin", async () => {
    const file = join(dir, 'viewer.jsonl');
    await writeFile(file, `${JSON.stringify({ id: 'q-viewer', question: 'V?', outputs })}\n`);
    const before = await itemIds('alpha');
    const r = await as(vera, ['import', file, '--study', 'alpha']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tracearena: \S+: a viewer of this study cannot change it\n$/);
    expect(await itemIds('alpha')).toEqual(before);

    const create = await as(olga, ['import', file, '--study', 'delta']);
    expect(create.code).toBe(2);
    expect(create.stderr).toBe(
      `tracearena: ${url}/api/studies/imports?study=delta: only a server-admin can do this\n`,
    );
    expect(await studies()).not.toContain('delta');

    // without --study: the one study the token may see
    const only = await as(olga, ['import', file]);
    expect(only.code, only.stderr).toBe(0);
    expect(only.stdout).toBe("imported 1 items, 2 outputs (3 new) into study 'alpha'\n");
  }, 120_000);

  it('a bad record fails locally with FILE:LINE before anything is uploaded', async () => {
    const file = join(dir, 'bad.jsonl');
    await writeFile(
      file,
      [
        JSON.stringify({ id: 'q-ok', question: 'Fine?', outputs }),
        JSON.stringify({ id: 'q-bad', question: 'Where?', images: ['img/missing.png'], outputs }),
      ].join('\n') + '\n',
    );
    const before = await itemIds('alpha');
    const r = await as(olga, ['import', file, '--study', 'alpha']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `tracearena: ${file}:2: field 'images[0]': file not found: img/missing.png\n`,
    );
    expect(await itemIds('alpha')).toEqual(before);
    // a new study is created only once the file has passed: no empty study is left behind
    const fresh = await as(root, ['import', file, '--study', 'epsilon']);
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toBe(
      `tracearena: ${file}:2: field 'images[0]': file not found: img/missing.png\n`,
    );
    expect(await studies()).not.toContain('epsilon');
    // a file that passes locally but that the server refuses (an output for an item the new
    // study lacks): the study is created in the import's transaction, so nothing is left either
    const orphan = join(dir, 'orphan.jsonl');
    await writeFile(orphan, `${JSON.stringify({ item: 'nope', system: 'base', trace: 't' })}\n`);
    const refused = await as(root, ['import', orphan, '--study', 'eta']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/orphan\.jsonl:1: field 'item': .*no item 'nope'\n$/);
    expect(await studies()).not.toContain('eta');
  }, 120_000);

  it('on the data folder that serve holds, import goes through that server and may create the study', async () => {
    const r = await local(['import', join(dir, 'with-image.jsonl'), '--study', 'zeta']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/lock/i);
    expect(r.stdout).toBe("imported 1 items, 2 outputs (3 new) into study 'zeta'\n");
    expect(await studies()).toContain('zeta');
    expect(await itemIds('zeta')).toEqual(['q-17']);
  }, 120_000);
});
