export default function DashboardPage({ studyId }: { studyId: string }) {
  return <main className="admin">Dashboard {studyId}</main>;
}
