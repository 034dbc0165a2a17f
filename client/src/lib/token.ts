/**
 * Tokens arrive once in the URL fragment (`#token=ta_judge_…`), which browsers never send to the
 * server. The page keeps them for the session (sessionStorage: gone when the tab closes) and
 * removes the fragment from the address bar so it is not bookmarked, shared or screenshotted.
 */
export type Role = 'judge' | 'admin';

const key = (role: Role) => `tracearena.${role}.token`;
const INVALID = 'tracearena.invalidToken';

function roleOf(token: string): Role | null {
  if (token.startsWith('ta_judge_')) return 'judge';
  if (token.startsWith('ta_admin_')) return 'admin';
  return null;
}

/** Moves a token from the fragment into sessionStorage and cleans the address bar. */
export function captureFragmentToken(): void {
  const hash = window.location.hash.replace(/^#/, '');
  if (!hash) return;
  const params = new URLSearchParams(hash);
  const token = params.get('token');
  if (!token) return;
  const role = roleOf(token);
  // A token of no known kind (cut short, mistyped) is remembered as such, so the page can say
  // the link is invalid instead of showing the page for no link at all.
  if (role) {
    sessionStorage.setItem(key(role), token);
    sessionStorage.removeItem(INVALID);
  } else sessionStorage.setItem(INVALID, '1');
  params.delete('token');
  const rest = params.toString();
  const url = window.location.pathname + window.location.search + (rest ? `#${rest}` : '');
  window.history.replaceState(window.history.state, '', url);
}

/** True when the last link opened in this tab carried a token of no known kind. */
export function hadInvalidToken(): boolean {
  return sessionStorage.getItem(INVALID) === '1';
}

export function getToken(role: Role): string | null {
  return sessionStorage.getItem(key(role));
}

export function forgetToken(role: Role): void {
  sessionStorage.removeItem(key(role));
}
