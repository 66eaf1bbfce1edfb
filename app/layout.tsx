import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

// Every page is rendered per request: the CSP nonce (proxy.ts) can only reach the scripts of a page rendered now,
// and a prerendered page's scripts would be refused.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'hopscope',
  description: 'Which client address every hop into your Kubernetes cluster sees — predicted, observed, fixed.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        {children}
      </body>
    </html>
  );
}
