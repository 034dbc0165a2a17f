import { useState } from 'react';
import { itemListSchema, itemSummarySchema, type Gold } from '../../../../shared/admin-views.ts';
import { api } from '../../lib/api.ts';
import { plural } from './plural.ts';
import { errorText, useResource } from './use-resource.ts';

/** Items per page of the gold list. */
const PAGE = 25;

/** Mark items gold: the verdict a careful judge should give between two named systems. */
export function GoldPanel({ studyId, systems }: { studyId: string; systems: string[] }) {
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const list = useResource(
    () =>
      api(
        'admin',
        `/api/studies/${studyId}/items?limit=${PAGE}&offset=${offset}&q=${encodeURIComponent(query)}`,
        itemListSchema,
      ),
    [studyId, query, offset],
  );
  const [a = '', b = ''] = systems;

  const setGold = async (itemId: string, gold: Gold | null) => {
    try {
      setError(null);
      await api('admin', `/api/studies/${studyId}/items/${itemId}/gold`, itemSummarySchema, {
        method: gold ? 'PUT' : 'DELETE',
        ...(gold ? { body: gold } : {}),
      });
      list.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section className="card">
      <h2>Gold items</h2>
      <p className="hint">
        Gold items come first. Expected verdict between <strong>{a || '…'}</strong> and{' '}
        <strong>{b || '…'}</strong>.
      </p>
      <label>
        Search items{' '}
        <input
          type="text"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setOffset(0);
          }}
        />
      </label>
      {error || list.error ? <p className="error">{error ?? list.error}</p> : null}
      <table className="data">
        <thead>
          <tr>
            <th>Item</th>
            <th>Question</th>
            <th>Gold verdict</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((item) => {
            const current = item.gold ? `${item.gold.a}|${item.gold.b}|${item.gold.winner}` : '';
            return (
              <tr key={item.id}>
                <td className="mono">{item.externalId}</td>
                <td>{item.question.slice(0, 160)}</td>
                <td>
                  <select
                    aria-label={`Gold verdict for ${item.externalId}`}
                    value={current}
                    disabled={!a || !b}
                    onChange={(e) => {
                      const [ga, gb, winner] = e.target.value.split('|');
                      void setGold(
                        item.id,
                        ga && gb && (winner === 'a' || winner === 'b' || winner === 'tie')
                          ? { a: ga, b: gb, winner }
                          : null,
                      );
                    }}
                  >
                    <option value="">not gold</option>
                    <option value={`${a}|${b}|a`}>{a} better</option>
                    <option value={`${a}|${b}|b`}>{b} better</option>
                    <option value={`${a}|${b}|tie`}>tie</option>
                    {item.gold &&
                    ![`${a}|${b}|a`, `${a}|${b}|b`, `${a}|${b}|tie`].includes(current) ? (
                      <option value={current}>
                        {item.gold.winner === 'tie'
                          ? 'tie'
                          : `${item.gold[item.gold.winner]} better`}{' '}
                        ({item.gold.a} vs {item.gold.b})
                      </option>
                    ) : null}
                  </select>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {list.data ? (
        <p className="hint" role="status">
          {list.data.items.length === list.data.total
            ? plural(list.data.total, 'item')
            : `Items ${list.data.total === 0 ? 0 : offset + 1}–${offset + list.data.items.length} of ${list.data.total}`}{' '}
          {offset > 0 ? (
            <button type="button" onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              Previous
            </button>
          ) : null}{' '}
          {offset + list.data.items.length < list.data.total ? (
            <button type="button" onClick={() => setOffset(offset + PAGE)}>
              Next
            </button>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}
