import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { createAdminToken, createInvite } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { queryRows } from '../../../server/db/client.ts';
import { GRAY16_MIME } from '../../../server/imports/dicom.ts';
import { importFile } from '../../../server/imports/service.ts';
import { pairStudy } from '../../../server/pairing/service.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { buildDicom } from '../../helpers/dicom.ts';

/** Tags a DICOM file carries that identify a patient or a place: none may reach a judge. */
const SECRETS = ['Doe^Jane', 'Doe', 'PID-0042-XYZ', 'St Elsewhere Hospital', 'Elsewhere'];

describe.each(backends())('DICOM images on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let dir: string;

  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    dir = await mkdtemp(join(tmpdir(), 'ta-dicom-'));
    await mkdir(join(dir, 'img'));
  });
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const itemLine = (id: string, image: string) =>
    JSON.stringify({
      id,
      question: `Is there a fracture on ${id}?`,
      images: [image],
      outputs: {
        'zebra-sft': { trace: 'a trace', answer: 'yes' },
        'okapi-base': { trace: 'another trace', answer: 'no' },
      },
    });

  it('imports a .dcm as pixels and geometry only; no patient or institution tag reaches a judge', async () => {
    await writeFile(join(dir, 'img', 'scan.dcm'), buildDicom());
    await writeFile(join(dir, 'items.jsonl'), `${itemLine('ct-1', 'img/scan.dcm')}\n`);
    const result = await importFile(tdb.db, {
      study: { name: `dicom-${backend}` },
      path: join(dir, 'items.jsonl'),
    });
    expect(result.imagesCreated).toBe(1);
    const [study] = await queryRows<{ id: string }>(
      tdb.db,
      sql`select id from studies where name = ${`dicom-${backend}`}`,
    );
    const studyId = study!.id;
    const stored = await queryRows<{ mime: string; bytes: Buffer }>(
      tdb.db,
      sql`select ii.mime, ii.bytes from item_images ii join items i on i.id = ii.item_id
          where i.study_id = ${studyId}`,
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]!.mime).toBe(GRAY16_MIME);
    // The stored bytes are the gray16 form: nothing of the DICOM file but pixels and geometry.
    const bytes = Buffer.from(stored[0]!.bytes);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('TAGRAY16');
    expect(bytes.includes('DICM')).toBe(false);
    const header = JSON.parse(bytes.subarray(12, 12 + bytes.readUInt32LE(8)).toString()) as object;
    expect(header).toEqual({
      rows: 48,
      columns: 64,
      bitsStored: 12,
      signed: false,
      photometric: 'MONOCHROME2',
      rescaleSlope: 1,
      rescaleIntercept: -1024,
      windowCenter: 976,
      windowWidth: 4000,
    });

    await pairStudy(tdb.db, studyId, { allPairs: true, seed: 's', judgesPerComparison: 1 });
    const created = await createInvite(tdb.db, { studyId, name: 'dr-dicom' });
    const headers = { authorization: `Bearer ${created!.token}` };
    const seen: string[] = [];
    const me = await app.inject({ method: 'GET', url: '/api/judge/me', headers });
    seen.push(JSON.stringify(me.headers), me.body);
    const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
    expect(next.statusCode).toBe(200);
    seen.push(JSON.stringify(next.headers), next.body);
    const images = next.json<{ assignment: { item: { images: string[] } } }>().assignment.item
      .images;
    expect(images).toHaveLength(1);
    for (const url of images) {
      const img = await app.inject({ method: 'GET', url });
      expect(img.statusCode).toBe(200);
      expect(img.headers['content-type']).toBe(GRAY16_MIME);
      expect(img.rawPayload.length).toBe(bytes.length);
      // the image bytes too, read as text in every byte-preserving way
      seen.push(JSON.stringify(img.headers), img.rawPayload.toString('latin1'));
    }
    for (const text of seen) for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it('accepts a .dcm part of a multipart upload and answers 422 with the line for a compressed one', async () => {
    const admin = { authorization: `Bearer ${await createAdminToken(tdb.db)}` };
    const [study] = await queryRows<{ id: string }>(
      tdb.db,
      sql`insert into studies (name) values (${`dicom-upload-${backend}`}) returning id`,
    );
    const upload = async (dcm: Buffer) => {
      const form = new FormData();
      form.append('file', new Blob([`${itemLine('up-1', 'img/up.dcm')}\n`]), 'items.jsonl');
      form.append('images', new Blob([new Uint8Array(dcm)]), 'img/up.dcm');
      const response = new Response(form);
      return app.inject({
        method: 'POST',
        url: `/api/studies/${study!.id}/imports`,
        headers: { ...admin, 'content-type': response.headers.get('content-type')! },
        payload: Buffer.from(await response.arrayBuffer()),
      });
    };
    const bad = await upload(buildDicom({ transferSyntax: '1.2.840.10008.1.2.5' }));
    expect(bad.statusCode).toBe(422);
    expect(bad.json<{ message: string }>().message).toMatch(
      /^items\.jsonl:1: field 'images\[0\]': DICOM img\/up\.dcm: transfer syntax 1\.2\.840\.10008\.1\.2\.5 is compressed/,
    );
    const ok = await upload(buildDicom());
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ imagesCreated: 1 });
    const [image] = await queryRows<{ mime: string }>(
      tdb.db,
      sql`select ii.mime from item_images ii join items i on i.id = ii.item_id
          where i.study_id = ${study!.id}`,
    );
    expect(image!.mime).toBe(GRAY16_MIME);
  });

  it('refuses a compressed or non-image DICOM with FILE:LINE: field and the reason', async () => {
    await writeFile(
      join(dir, 'img', 'jpeg.dcm'),
      buildDicom({ transferSyntax: '1.2.840.10008.1.2.4.50' }),
    );
    await writeFile(
      join(dir, 'bad.jsonl'),
      `${itemLine('ok-1', 'img/scan.dcm')}\n${itemLine('ct-2', 'img/jpeg.dcm')}\n`,
    );
    await expect(
      importFile(tdb.db, { study: { name: `dicom-bad-${backend}` }, path: join(dir, 'bad.jsonl') }),
    ).rejects.toThrow(
      /bad\.jsonl:2: field 'images\[0\]': DICOM img\/jpeg\.dcm: transfer syntax 1\.2\.840\.10008\.1\.2\.4\.50 is compressed or unsupported/,
    );
    const noPixels = buildDicom();
    // cut the file before the pixel data element: a DICOM object that is not an image
    await writeFile(
      join(dir, 'img', 'sr.dcm'),
      noPixels.subarray(0, noPixels.indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]))),
    );
    await writeFile(join(dir, 'sr.jsonl'), `${itemLine('sr-1', 'img/sr.dcm')}\n`);
    await expect(
      importFile(tdb.db, { study: { name: `dicom-sr-${backend}` }, path: join(dir, 'sr.jsonl') }),
    ).rejects.toThrow(/sr\.jsonl:1: field 'images\[0\]': DICOM img\/sr\.dcm: no pixel data/);
  });
});
