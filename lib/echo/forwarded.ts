// X-Forwarded-For parsing (docs/domain.md#s9).
import { parseAddressWithPort } from '../net/ip';

export interface XffEntry {
  /** The entry as sent, trimmed. */
  raw: string;
  /** Normalised IP address, or null when the entry is not an address (garbage, "unknown", a hostname). */
  address: string | null;
  port: number | null;
}

/**
 * Splits X-Forwarded-For header lines into entries. Several lines are one list, concatenated in order
 * (RFC 7230 §3.2.2; docs/domain.md#s9); entries may carry ports ("192.0.2.1:4711", "[2001:db8::1]:80") or garbage.
 */
export function splitXForwardedFor(lines: readonly string[]): XffEntry[] {
  const entries: XffEntry[] = [];
  for (const line of lines) {
    for (const part of line.split(',')) {
      const raw = part.trim();
      if (raw === '') continue;
      const parsed = parseAddressWithPort(raw);
      entries.push({ raw, address: parsed?.address ?? null, port: parsed?.port ?? null });
    }
  }
  return entries;
}
