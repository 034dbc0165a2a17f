import { useState, type FormEvent } from 'react';
import { importResultSchema, type ImportResult } from '../../../../shared/import-records.ts';
import { getToken } from '../../lib/token.ts';

/** Multipart upload with a progress bar (XHR: fetch has no upload progress); errors name FILE:LINE: field. */
function upload(
  url: string,
  form: FormData,
  onProgress: (fraction: number) => void,
): Promise<ImportResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('authorization', `Bearer ${getToken('admin') ?? ''}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new Error('the upload failed (connection lost)'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(importResultSchema.parse(body));
      const message = (body as { message?: string } | null)?.message ?? `HTTP ${xhr.status}`;
      reject(new Error(message));
    };
    xhr.send(form);
  });
}

export function ImportPanel({ studyId, onImported }: { studyId: string; onImported(): void }) {
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const file = f.get('file');
    if (!(file instanceof File) || !file.name) return setError('choose a data file');
    const form = new FormData();
    form.append('file', file, file.name);
    for (const image of f.getAll('images')) {
      // A folder upload keeps paths (img/q-17.png) so they match the records' relative paths.
      if (image instanceof File && image.name)
        form.append(
          'images',
          image,
          image.webkitRelativePath.replace(/^[^/]+\//, '') || image.name,
        );
    }
    const params = new URLSearchParams();
    const kind = String(f.get('kind') ?? '');
    const system = String(f.get('system') ?? '').trim();
    if (kind) params.set('kind', kind);
    if (system) params.set('system', system);
    setError(null);
    setResult(null);
    setProgress(0);
    try {
      setResult(await upload(`/api/studies/${studyId}/imports?${params}`, form, setProgress));
      onImported();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setProgress(null);
    }
  };

  return (
    <section className="card">
      <h2>Import</h2>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label>
          Data file (JSONL, JSON array or CSV){' '}
          <input type="file" name="file" accept=".jsonl,.json,.csv,.ndjson" required />
        </label>
        <label>
          Images folder (optional){' '}
          <input type="file" name="images" multiple {...{ webkitdirectory: '' }} />
        </label>
        <label>
          Kind
          <select name="kind" defaultValue="">
            <option value="">detect</option>
            <option value="items">items</option>
            <option value="outputs">outputs</option>
          </select>
        </label>
        <label>
          System (for an outputs file without a system field) <input type="text" name="system" />
        </label>
        <button type="submit" className="primary" disabled={progress !== null}>
          Upload
        </button>
        {progress !== null ? (
          <progress value={progress} max={1} aria-label="Upload progress" />
        ) : null}
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        {result ? (
          <p className="ok" role="status">
            {result.file}: {result.records} records, {result.itemsCreated} new items,{' '}
            {result.outputsCreated} new outputs, {result.imagesCreated} images (
            {result.systems.join(', ') || 'no systems'}).
          </p>
        ) : null}
      </form>
    </section>
  );
}
