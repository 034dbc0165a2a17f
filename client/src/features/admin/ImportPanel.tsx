import { useState, type FormEvent } from 'react';
import { importResultSchema, type ImportResult } from '../../../../shared/import-records.ts';
import { getToken } from '../../lib/token.ts';
import { plural } from './plural.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

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

/**
 * The multipart names of a folder's files: their paths relative to the data file, which the
 * records use (`img/q-17.png`). A picked `img` folder keeps its name (`img/q-17.png`); a picked
 * folder that holds the data file itself (`study/data.jsonl`, `study/img/q-17.png`) is the data
 * file's folder, so its name goes (`img/q-17.png`) and the data file is not sent twice.
 */
export function imagePaths(entries: FormDataEntryValue[], dataFileName: string): [File, string][] {
  const files = entries.filter((e): e is File => e instanceof File && e.name !== '');
  const rel = (f: File) => f.webkitRelativePath || f.name;
  const top = (f: File) => (rel(f).includes('/') ? rel(f).slice(0, rel(f).indexOf('/')) : null);
  const holdsData = files.some((f) => top(f) !== null && rel(f) === `${top(f)}/${dataFileName}`);
  if (!holdsData) return files.map((f) => [f, rel(f)]);
  return files
    .filter((f) => rel(f) !== `${top(f)}/${dataFileName}`)
    .map((f) => [f, rel(f).slice(rel(f).indexOf('/') + 1)]);
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
    for (const [image, path] of imagePaths(f.getAll('images'), file.name))
      form.append('images', image, path);
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
          <input
            type="file"
            name="images"
            multiple
            // a folder picker: React has no prop for it, so the attribute is set on the element
            ref={(el) => el?.setAttribute('webkitdirectory', '')}
          />
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
        <ErrorAlert error={error} />
        {result ? (
          <p className="ok" role="status">
            {`${result.file}: ${[
              plural(result.records, 'record'),
              plural(result.itemsCreated, 'new item'),
              plural(result.outputsCreated, 'new output'),
              plural(result.imagesCreated, 'image'),
            ].join(', ')} (${result.systems.join(', ') || 'no systems'}).`}
          </p>
        ) : null}
      </form>
    </section>
  );
}
