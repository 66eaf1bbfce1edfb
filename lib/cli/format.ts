// Terminal output shared by the cluster subcommands: aligned columns, and verdicts in colour only where a person
// reads them (stdout a terminal, NO_COLOR unset: https://no-color.org). Every value from a cluster or a manifest
// goes through terminalText, so an object name cannot carry an escape sequence to the terminal.
import type { Verdict } from '../types';
import type { CliIo } from './probe';
import { terminalText } from './text';

const COLOURS: Record<Verdict, string> = { preserved: '32', header: '36', spoofable: '31', lost: '33', broken: '31;1', unreachable: '90' };

export type Paint = (verdict: Verdict, text?: string) => string;

export function useColour(io: CliIo): boolean {
  const env = io.env ?? process.env;
  return io.stdoutIsTty === true && (env.NO_COLOR ?? '') === '';
}

export function painter(colour: boolean): Paint {
  return (verdict, text = verdict) => (colour ? `\x1b[${COLOURS[verdict]}m${text}\x1b[0m` : text);
}

/** Columns padded to their widest cell (measured before colour is added); the last column is never padded. */
export function columns(rows: readonly (readonly string[])[], paint: (row: number, column: number, cell: string) => string = (_r, _c, cell) => cell): string[] {
  const safe = rows.map((r) => r.map(terminalText));
  const widths = safe[0]?.map((_, i) => Math.max(...safe.map((r) => r[i]?.length ?? 0))) ?? [];
  return safe.map((r, ri) => r.map((c, i) => paint(ri, i, i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

export const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
