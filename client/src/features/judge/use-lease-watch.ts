import { useEffect, useRef, useState } from 'react';
import type { JudgeAssignment } from '../../../../shared/judge-api.ts';

const DEFAULT_LEASE_MS = 600_000;

/**
 * Watches the lease on the comparison on screen. While the judge is active the lease is renewed
 * before it runs out; a judge who walked away sees that it expired (and can resume).
 */
export function useLeaseWatch(
  current: { assignment: JudgeAssignment; receivedAt: number } | null,
  keepAlive: () => Promise<void>,
): boolean {
  const [expired, setExpired] = useState(false);
  const lastActivity = useRef(Date.now());
  const id = current?.assignment.id;
  const receivedAt = current?.receivedAt;
  const expiresAt = current?.assignment.leaseExpiresAt;

  useEffect(() => {
    setExpired(false);
    if (!expiresAt || receivedAt === undefined) return;
    let leaseMs = Date.parse(expiresAt) - receivedAt;
    // A wildly skewed client clock must not expire every lease at once.
    if (!(leaseMs > 0 && leaseMs < 86_400_000)) leaseMs = DEFAULT_LEASE_MS;
    const deadline = receivedAt + leaseMs;
    let renewing = false;
    const onActivity = () => {
      lastActivity.current = Date.now();
      const left = deadline - Date.now();
      if (!renewing && left > 0 && left < leaseMs / 2) {
        renewing = true;
        void keepAlive();
      }
    };
    const timer = window.setInterval(() => {
      if (Date.now() >= deadline) setExpired(true);
    }, 1000);
    window.addEventListener('keydown', onActivity);
    window.addEventListener('pointerdown', onActivity);
    window.addEventListener('scroll', onActivity, true);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('keydown', onActivity);
      window.removeEventListener('pointerdown', onActivity);
      window.removeEventListener('scroll', onActivity, true);
    };
  }, [id, receivedAt, expiresAt, keepAlive]);

  return expired;
}
