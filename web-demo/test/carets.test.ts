import { describe, expect, it } from 'vitest';
import { caretColour } from '../src/editor/carets';

describe('caretColour', () => {
  it('takes the colour the server passed when it is a CSS hex colour', () => {
    expect(caretColour('p1', '#12ab34')).toBe('#12ab34');
    expect(caretColour('p1', '#abc')).toBe('#abc');
  });

  it('refuses anything else, which would end up inside a style sheet', () => {
    const derived = caretColour('p1', undefined);
    for (const bad of ['red', '#12ab34;}body{display:none', 'url(x)', '#', '#12', '']) {
      expect(caretColour('p1', bad)).toBe(derived);
    }
  });

  it('derives a stable colour from the participant id, different ids spreading over the palette', () => {
    expect(caretColour('recruiter-7', undefined)).toBe(caretColour('recruiter-7', undefined));
    const colours = new Set(Array.from({ length: 40 }, (_, i) => caretColour(`participant-${i}`, undefined)));
    expect(colours.size).toBeGreaterThan(4);
    for (const c of colours) expect(c).toMatch(/^#[0-9a-f]{6}$/);
  });
});
