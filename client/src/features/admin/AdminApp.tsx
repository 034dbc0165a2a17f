import { Link } from '../../app/router.tsx';
import { getToken } from '../../lib/token.ts';
import { StudyList } from './StudyList.tsx';
import { StudyPage } from './StudyPage.tsx';

/** The admin pages: the study list, then one page per study. Lazy-loaded: judges never download it. */
export default function AdminApp({ path }: { path: string }) {
  const study = /^\/admin\/studies\/([0-9a-f-]{36})\/?$/.exec(path)?.[1];
  return (
    <div className="admin">
      <header>
        <h1>
          <Link href="/admin">TraceArena admin</Link>
        </h1>
      </header>
      {!getToken('admin') ? (
        <p className="card">
          Open the admin link printed by <code>tracearena serve</code> (it carries the admin token).
        </p>
      ) : study ? (
        <StudyPage studyId={study} />
      ) : (
        <StudyList />
      )}
    </div>
  );
}
