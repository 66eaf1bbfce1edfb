import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { NetText, hasBidiControls, netString, netTextParts } from '@/components/ui/NetText';

// The helper every view (dashboard, cluster page, snapshot page) renders network-supplied values with.

const render = (value: string) => renderToStaticMarkup(createElement(NetText, { value }));
const ALL_CONTROLS = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];

describe('NetText', () => {
  it('isolates a plain value and leaves its text as it is', () => {
    expect(render('ingress-nginx/ingress-nginx-controller')).toBe('<bdi dir="auto">ingress-nginx/ingress-nginx-controller</bdi>');
    expect(render('203.0.113.7')).toBe('<bdi dir="auto">203.0.113.7</bdi>');
  });

  it('keeps right-to-left letters, isolated', () => {
    expect(render('שלום.example')).toBe('<bdi dir="auto">שלום.example</bdi>');
  });

  it('shows a right-to-left override instead of applying it', () => {
    // "exe.txt" spelled backwards behind an RLO would read "txt.exe".
    const html = render('invoice\u202Etxt.exe');
    expect(html).not.toContain('\u202E');
    expect(html).toBe(
      '<bdi dir="auto">invoice<span data-bidi-control="U+202E" title="Unicode bidi control U+202E (RLO), shown instead of applied" class="mx-px rounded-sm bg-red-100 px-0.5 font-mono text-[0.8em] font-bold text-red-800 dark:bg-red-950 dark:text-red-200">[RLO]</span>txt.exe</bdi>',
    );
  });

  it.each(ALL_CONTROLS.map((c) => [`U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`, c]))('neutralises %s', (code, control) => {
    const html = render(`a${control}b${control}`);
    expect(html).not.toContain(control);
    expect(html.split(`data-bidi-control="${code}"`)).toHaveLength(3);
  });

  it('escapes markup in values like any React text', () => {
    expect(render('<img src=x onerror=alert(1)>')).toBe('<bdi dir="auto">&lt;img src=x onerror=alert(1)&gt;</bdi>');
  });

  it('passes a class name through', () => {
    expect(renderToStaticMarkup(createElement(NetText, { value: 'x', className: 'font-mono' }))).toBe('<bdi dir="auto" class="font-mono">x</bdi>');
  });
});

describe('netString and netTextParts', () => {
  it('marks every control visibly in plain strings (titles, labels, text to copy)', () => {
    expect(netString('svc\u202Eabc\u2066x\u2069')).toBe('svc[RLO]abc[LRI]x[PDI]');
    expect(netString('plain')).toBe('plain');
    for (const control of ALL_CONTROLS) expect(hasBidiControls(netString(`x${control}`))).toBe(false);
  });

  it('cuts a value into text and controls', () => {
    expect(netTextParts('\u200Fab\u202Ec')).toEqual([
      { control: '\u200F', code: 'U+200F', name: 'RLM' },
      { text: 'ab' },
      { control: '\u202E', code: 'U+202E', name: 'RLO' },
      { text: 'c' },
    ]);
    expect(netTextParts('')).toEqual([]);
  });
});
