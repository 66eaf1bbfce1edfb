'use client';

/** Unexpected failures on the cluster page: a readable message and a retry, never a stack trace. */
export default function ClusterError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-3xl p-6">
      <div data-testid="cluster-error" role="alert" className="rounded-lg border border-rose-300 bg-rose-50 p-6 text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100">
        <h1 className="text-lg font-semibold">The cluster overview failed</h1>
        <p className="mt-2 text-sm">Something unexpected went wrong{error.digest ? ` (reference ${error.digest})` : ''}.</p>
        <button type="button" onClick={reset} className="mt-4 rounded-md border border-rose-400 px-3 py-1 text-sm hover:bg-rose-100 dark:hover:bg-rose-900">
          Try again
        </button>
      </div>
    </main>
  );
}
