import { useEffect, useState } from 'react';
import { liveServerMessageSchema, type DashboardSnapshot } from '../../../../shared/admin-views.ts';
import { getToken } from '../../lib/token.ts';

export type LiveState = {
  snapshot: DashboardSnapshot | null;
  connected: boolean;
  error: string | null;
  updates: number;
};

/**
 * The study's live snapshot over a websocket. The token goes in the first message, never in the
 * URL; a dropped connection is retried with backoff.
 */
export function useLive(studyId: string): LiveState {
  const [state, setState] = useState<LiveState>({
    snapshot: null,
    connected: false,
    error: null,
    updates: 0,
  });
  useEffect(() => {
    const token = getToken('admin');
    if (!token) {
      setState((s) => ({
        ...s,
        error: 'Open the admin link first: the dashboard needs the admin token.',
      }));
      return;
    }
    let socket: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    const connect = () => {
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/studies/${studyId}/live`;
      socket = new WebSocket(url);
      socket.onopen = () => {
        attempt = 0;
        socket?.send(JSON.stringify({ type: 'auth', token }));
        setState((s) => ({ ...s, connected: true, error: null }));
      };
      socket.onmessage = (e: MessageEvent<string>) => {
        const msg = liveServerMessageSchema.safeParse(JSON.parse(e.data));
        if (!msg.success) return;
        if (msg.data.type === 'error') {
          stopped = true;
          setState((s) => ({ ...s, error: msg.data.type === 'error' ? msg.data.message : null }));
          return;
        }
        const snapshot = msg.data.snapshot;
        setState((s) => ({ ...s, snapshot, updates: s.updates + 1 }));
      };
      socket.onclose = () => {
        setState((s) => ({ ...s, connected: false }));
        if (stopped) return;
        retry = setTimeout(connect, Math.min(10_000, 500 * 2 ** attempt++));
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      socket?.close();
    };
  }, [studyId]);
  return state;
}
