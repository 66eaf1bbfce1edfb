// Text from the network (echo headers, object names, the dashboard's messages) printed to a terminal. An escape
// sequence in a header value could move the cursor, recolour or rewrite the verdict printed next to it, and a bidi
// control could reorder it; every control and format character (Unicode Cc, Cf, line and paragraph separators) is
// therefore shown as \u{…} instead of being written.

const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

export function terminalText(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`);
}
