export default function SnapshotNotFound() {
  return (
    <main className="mx-auto flex max-w-xl flex-col gap-3 p-8">
      <h1 className="text-xl font-semibold">Snapshot not found</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        The link may be mistyped, or the snapshot was removed by the retention policy. Ask for the exported JSON file
        and open it with <a className="underline" href="/s/import">Import a snapshot</a>.
      </p>
    </main>
  );
}
