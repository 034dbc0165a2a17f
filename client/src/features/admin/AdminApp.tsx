export default function AdminApp({ path }: { path: string }) {
  return <main className="admin">Admin {path}</main>;
}
