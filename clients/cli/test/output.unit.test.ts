/** Printing other people's text (printable in src/output.ts). */
import { describe, expect, it } from 'vitest';
import { printable } from '../src/output.js';

describe('printable', () => {
  it('leaves ordinary text, tabs and any script alone', () => {
    for (const text of ['Q3 numbers', 'a\tb', 'Grüße, 東京, مرحبا, 🙂']) expect(printable(text)).toBe(text);
  });

  it('shows control characters, escape sequences and bidirectional overrides as �', () => {
    expect(printable('\u001b[2Jcleared')).toBe('\ufffd[2Jcleared');
    expect(printable('title\u001b]0;pwned\u0007')).toBe('title\ufffd]0;pwned\ufffd');
    expect(printable('a\rb\nc\u0000d\u007fe\u009bf')).toBe('a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf');
    expect(printable('invoice\u202etxt.exe')).toBe('invoice\ufffdtxt.exe');
    expect(printable('\u2066x\u2069')).toBe('\ufffdx\ufffd');
  });
});
