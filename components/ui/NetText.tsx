// Text that came from the network — object names, host names, addresses, header values, echo output — rendered so
// it cannot reorder the page around it. Unicode bidi controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069
// isolates, U+200E/U+200F marks, U+061C) in such a value could make "moc.elpmaxe" read as "example.com" or flip a
// verdict next to it; here each one is replaced by a visible marker, and the value is isolated in a <bdi dir="auto">
// so even right-to-left letters in it stay inside it. One helper for every place such values are shown.

/** The bidi control characters, with the short names Unicode gives them. */
const BIDI_CONTROL_NAMES: Record<string, string> = {
  '\u202A': 'LRE',
  '\u202B': 'RLE',
  '\u202C': 'PDF',
  '\u202D': 'LRO',
  '\u202E': 'RLO',
  '\u2066': 'LRI',
  '\u2067': 'RLI',
  '\u2068': 'FSI',
  '\u2069': 'PDI',
  '\u200E': 'LRM',
  '\u200F': 'RLM',
  '\u061C': 'ALM',
};

const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

export function hasBidiControls(text: string): boolean {
  return text.search(BIDI_CONTROL) >= 0;
}

function codePointOf(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function markerText(char: string): string {
  return `[${BIDI_CONTROL_NAMES[char] ?? codePointOf(char)}]`;
}

/**
 * For places that take a plain string (title, aria-label, text to copy): each bidi control becomes a visible
 * "[RLO]". Values without controls come back unchanged.
 */
export function netString(text: string): string {
  return text.replace(BIDI_CONTROL, markerText);
}

/**
 * For plain text that runs on around the value, where no <bdi> can go (a document title): the value's own controls
 * shown as netString shows them, then the whole wrapped in FSI … PDI (U+2068, U+2069): <bdi dir="auto"> in plain text.
 * Showing them first matters: a PDI inside the value would close the isolate early, and an override inside it would
 * still reverse the value itself. Stripping instead would hide that someone planted them.
 */
export function isolatedNetString(text: string): string {
  return `\u2068${netString(text)}\u2069`;
}

export type NetTextPart = { text: string } | { control: string; code: string; name: string };

/** The value cut into plain text and the bidi controls between it. */
export function netTextParts(text: string): NetTextPart[] {
  const parts: NetTextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(BIDI_CONTROL)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    const char = match[0];
    parts.push({ control: char, code: codePointOf(char), name: BIDI_CONTROL_NAMES[char] ?? codePointOf(char) });
    last = match.index + char.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

export interface NetTextProps {
  value: string;
  className?: string;
}

/** A network-supplied value, isolated, with its bidi controls shown instead of obeyed. */
export function NetText({ value, className }: NetTextProps) {
  return (
    <bdi dir="auto" className={className}>
      {netTextParts(value).map((part, index) =>
        'text' in part ? (
          part.text
        ) : (
          <span
            key={index}
            data-bidi-control={part.code}
            title={`Unicode bidi control ${part.code} (${part.name}), shown instead of applied`}
            className="mx-px rounded-sm bg-red-100 px-0.5 font-mono text-[0.8em] font-bold text-red-800 dark:bg-red-950 dark:text-red-200"
          >
            {`[${part.name}]`}
          </span>
        ),
      )}
    </bdi>
  );
}
