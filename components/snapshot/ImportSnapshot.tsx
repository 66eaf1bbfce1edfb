'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { NetText } from '@/components/ui/NetText';

interface ImportAnswer {
  id?: string;
  error?: { message?: string; hint?: string | null };
}

/** Uploads an exported snapshot file; the server validates it, and a valid one opens read-only under a new link. */
export function ImportSnapshot() {
  const router = useRouter();
  const [error, setError] = useState<{ message: string; hint: string | null } | null>(null);
  const [busy, setBusy] = useState(false);

  async function upload(file: File) {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch('/api/v1/snapshots/import', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: file,
      });
      const answer = (await response.json().catch(() => ({}))) as ImportAnswer;
      if (!response.ok || !answer.id) {
        setError({
          message: answer.error?.message ?? `import failed (HTTP ${response.status})`,
          hint: answer.error?.hint ?? null,
        });
        return;
      }
      router.push(`/s/${answer.id}`);
    } catch (err) {
      setError({ message: err instanceof Error ? err.message : String(err), hint: null });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-col gap-3">
      <label className="flex flex-col gap-1 text-sm font-medium">
        Snapshot file (JSON, as saved with “Export JSON”)
        <input
          type="file"
          accept="application/json,.json"
          data-testid="import-file"
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void upload(file);
          }}
          className="text-sm"
        />
      </label>
      {busy && <p className="text-sm text-slate-500">Checking the file…</p>}
      {error && (
        <div role="alert" data-testid="import-error" className="rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          <p className="font-semibold">This file cannot be opened as a snapshot</p>
          {/* The message quotes the file (JSON paths, keys), which may hold bidi controls. */}
          <p className="break-words">
            <NetText value={error.message} />
          </p>
          {error.hint && (
            <p className="mt-1 text-xs">
              <NetText value={error.hint} />
            </p>
          )}
        </div>
      )}
    </div>
  );
}
