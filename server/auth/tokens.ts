import { createHash, randomBytes } from 'node:crypto';

/** A fresh random token with a readable prefix: `ta_admin_…`, `ta_user_…` or `ta_judge_…`. */
export function newToken(kind: 'admin' | 'user' | 'judge'): string {
  return `ta_${kind}_${randomBytes(24).toString('base64url')}`;
}

/** Tokens are stored only as their SHA-256: they are high-entropy, so no slow hash is needed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}
