import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/**
 * Sends `records` as a JSON Lines file to download (`fileName`): one JSON text a line, streamed as
 * the records come (a long study's file keeps memory flat), never cached. The one way the admin
 * API answers a file of records (a judgments export, an audit export).
 */
export function sendJsonlDownload(
  reply: FastifyReply,
  fileName: string,
  records: AsyncIterable<unknown>,
): FastifyReply {
  async function* lines() {
    for await (const record of records) yield `${JSON.stringify(record)}\n`;
  }
  return reply
    .header('content-type', 'application/x-ndjson; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(lines()));
}
