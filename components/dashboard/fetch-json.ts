import type { ApiErrorBody } from '@/lib/types';

/** Fetches JSON from our API; failures carry the error envelope's message and hint. */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  if (!response.ok) throw new Error(await errorMessage(response));
  return (await response.json()) as T;
}

export async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as Partial<ApiErrorBody>;
    if (body.error) return body.error.hint ? `${body.error.message} — ${body.error.hint}` : body.error.message;
  } catch {
    // not our envelope: fall back to the status line
  }
  return `${response.status} ${response.statusText}`.trim();
}
