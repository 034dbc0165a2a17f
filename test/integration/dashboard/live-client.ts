import WebSocket from 'ws';
import { liveServerMessageSchema, type LiveServerMessage } from '../../../shared/admin-views.ts';

/** A dashboard viewer: a real websocket client that records every message. */
export class Viewer {
  readonly messages: LiveServerMessage[] = [];
  closeCode: number | null = null;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.messages.push(liveServerMessageSchema.parse(JSON.parse(data.toString('utf8'))));
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(
    baseUrl: string,
    studyId: string,
    token: string | null,
    { inQuery = false } = {},
  ): Promise<Viewer> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/studies/${studyId}/live${inQuery && token ? `?token=${token}` : ''}`;
    const ws = new WebSocket(url);
    const viewer = new Viewer(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    if (token && !inQuery) ws.send(JSON.stringify({ type: 'auth', token }));
    return viewer;
  }

  /** Resolves with the first message (from now or already received) that satisfies `test`. */
  async waitFor(
    test: (m: LiveServerMessage) => boolean,
    timeoutMs = 5000,
  ): Promise<LiveServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(test);
      if (found) return found;
      if (this.closeCode !== null) throw new Error(`closed with ${this.closeCode}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching message within ${timeoutMs} ms (${this.messages.length} received)`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}

export const verdictsIn = (m: LiveServerMessage) =>
  m.type === 'snapshot' ? m.snapshot.totals.verdicts : -1;
