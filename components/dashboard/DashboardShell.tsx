import type { ReactNode } from 'react';

export interface DashboardShellProps {
  /** The entry picker. */
  aside: ReactNode;
  /** The selected path. */
  children: ReactNode;
  /** The open hop's details; null = the column is not there. */
  details: ReactNode | null;
}

/** The dashboard's columns: entries on the left, the path in the middle, an open hop's details on the right. */
export function DashboardShell({ aside, children, details }: DashboardShellProps) {
  return (
    <div className={`grid min-h-0 flex-1 grid-cols-1 md:grid-cols-[320px_minmax(0,1fr)] ${details ? 'xl:grid-cols-[320px_minmax(0,1fr)_420px]' : ''}`}>
      <aside className="min-h-0 border-r border-slate-200 p-3 md:h-full dark:border-slate-800">{aside}</aside>
      <main className="flex min-h-0 min-w-0 flex-col gap-3 overflow-y-auto p-3">{children}</main>
      {details && <div className="min-h-0 xl:h-full">{details}</div>}
    </div>
  );
}
