import { getToken } from '../../lib/token.ts';
import { toApiError } from '../../lib/api.ts';

/**
 * Downloads an admin file (the request needs the token, so it cannot be a plain link): saved
 * under the name the server gives in Content-Disposition, else `fallbackName`.
 */
export async function downloadAdminFile(url: string, fallbackName: string): Promise<void> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${getToken('admin') ?? ''}` } });
  if (!res.ok) throw await toApiError(res);
  const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = named?.[1] ?? fallbackName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
