import { lazy, Suspense } from 'react';
import { JudgePage } from '../features/judge/JudgePage.tsx';
import { usePath } from './router.tsx';

// The judge page is the hot path and ships in the entry chunk; the rest loads on demand.
const AdminApp = lazy(() => import('../features/admin/AdminApp.tsx'));
const DashboardPage = lazy(() => import('../features/dashboard/DashboardPage.tsx'));

export function App() {
  const path = usePath();
  let page;
  const dashboard = /^\/dashboard\/([0-9a-f-]{36})\/?$/.exec(path);
  if (path === '/judge' || path.startsWith('/judge/')) page = <JudgePage />;
  else if (dashboard?.[1]) page = <DashboardPage studyId={dashboard[1]} />;
  else if (path === '/admin' || path.startsWith('/admin/')) page = <AdminApp path={path} />;
  else page = <Landing />;
  return <Suspense fallback={<p className="loading">Loading…</p>}>{page}</Suspense>;
}

function Landing() {
  return (
    <main className="landing">
      <h1>TraceArena</h1>
      <p>
        Open the invite link you were sent to start judging, or the admin link printed by the
        server.
      </p>
    </main>
  );
}
