import { parse, type $ZodType, type output } from 'zod/v4/core';
import { getToken, type Role } from './token.ts';

/** An HTTP answer other than 2xx, carrying the server's stable error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The request never got an answer (offline, server down): safe to retry idempotent calls. */
export class NetworkError extends Error {}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * Calls the API with the role's token and parses a 2xx body with its schema (classic or mini zod:
 * both are core schemas); 204 → null.
 */
export async function api<S extends $ZodType>(
  role: Role,
  path: string,
  schema: S,
  { method = 'GET', body, signal }: RequestOptions = {},
): Promise<output<S> | null> {
  const headers: Record<string, string> = {};
  const token = getToken(role);
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
      cache: 'no-store',
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new NetworkError((err as Error).message);
  }
  if (res.status === 204) return null;
  if (!res.ok) throw await toApiError(res);
  return parse(schema, await res.json());
}

export async function toApiError(res: Response): Promise<ApiError> {
  let code = 'TA_HTTP_' + res.status;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { code?: unknown; message?: unknown };
    if (typeof body.code === 'string') code = body.code;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // not JSON: keep the status line
  }
  // A 5xx from a proxy or a restarting server is as transient as no answer at all.
  if (res.status >= 502 && res.status <= 504) return new NetworkError(message) as ApiError;
  return new ApiError(res.status, code, message);
}
