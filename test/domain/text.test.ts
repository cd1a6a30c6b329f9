import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { capEcho, hasNul, sanitizeInput, sanitizeLine, terminalSafe, textLength, truncateGraphemes } from '../../src/domain/text.js';
import { PERSONAL_NUMBER_MASK } from '../../src/domain/pii.js';

const ESC = '\u001b';

/** Any character that could act on a terminal or reorder text, written independently of the module. */
function hasActiveCharacter(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 && c !== 0x0a && c !== 0x09) return true;
    if (c >= 0x7f && c <= 0x9f) return true;
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f || c === 0x061c) return true;
  }
  return false;
}

describe('sanitizeInput — what is removed', () => {
  it('removes NUL, so PostgreSQL never sees it (22021)', () => {
    expect(sanitizeInput('a\u0000b\u0000')).toBe('ab');
  });

  it('removes a clear-screen escape sequence whole, not only the ESC byte', () => {
    expect(sanitizeInput(`Titel ${ESC}[2J${ESC}[H slut`)).toBe('Titel  slut');
  });

  it('removes colour, cursor and erase sequences with parameters', () => {
    expect(sanitizeInput(`${ESC}[1;31mRÖD${ESC}[0m ${ESC}[10A${ESC}[2K`)).toBe('RÖD ');
  });

  it('removes an OSC window-title sequence ended by BEL or by ST, and an OSC 8 hyperlink', () => {
    expect(sanitizeInput(`a${ESC}]0;hacked\u0007b`)).toBe('ab');
    expect(sanitizeInput(`a${ESC}]2;hacked${ESC}\\b`)).toBe('ab');
    expect(sanitizeInput(`${ESC}]8;;https://evil.example${ESC}\\klicka${ESC}]8;;${ESC}\\`)).toBe('klicka');
  });

  it('ends an unterminated OSC sequence at the end of its line, keeping the next line', () => {
    expect(sanitizeInput(`a${ESC}]0;title\nrad två`)).toBe('a\nrad två');
  });

  it('removes 8-bit C1 CSI sequences and other C1 controls', () => {
    expect(sanitizeInput('a\u009b2Jb\u0085c\u0090x\u009cd\u0080\u009f')).toBe('ab\ncd');
  });

  it('removes BEL, backspace, DEL and the other C0 controls but keeps newline and tab', () => {
    expect(sanitizeInput('a\u0007b\u0008c\u007fd\u0001\u001f\n\te')).toBe('abcd\n\te');
  });

  it('turns CR LF and lone CR into LF, so a line cannot be overwritten', () => {
    expect(sanitizeInput('ett\r\ntvå\rtre')).toBe('ett\ntvå\ntre');
  });

  it('removes right-to-left override and all bidi embeddings, isolates and marks', () => {
    expect(sanitizeInput('fil\u202etxt.exe')).toBe('filtxt.exe');
    const bidi = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c';
    expect(sanitizeInput(`a${bidi}b`)).toBe('ab');
  });

  it('removes zero-width spaces, word joiners, BOM and soft hyphens that hide a difference', () => {
    expect(sanitizeInput('INC\u200b-\u20601\ufeff2\u00ad3')).toBe('INC-123');
  });

  it('removes a zero-width joiner between ASCII characters', () => {
    expect(sanitizeInput('INC\u200d-1')).toBe('INC-1');
    expect(sanitizeInput('\u200dstart')).toBe('start');
  });

  it('replaces a lone surrogate with U+FFFD', () => {
    expect(sanitizeInput('a\ud800b')).toBe('a\ufffdb');
    expect(sanitizeInput('a\udc00')).toBe('a\ufffd');
  });
});

describe('sanitizeInput — what is kept', () => {
  it('keeps Swedish letters and ordinary punctuation exactly', () => {
    const s = 'Åsa Östlund: "Ärendet är löst" – 100 % (§ 4) ¿? ½';
    expect(sanitizeInput(s)).toBe(s);
  });

  it('keeps emoji, including ZWJ sequences, skin tones, keycaps and flags', () => {
    const s = '👩‍💻 👨🏽‍⚕️ 🏳️‍🌈 ❤️‍🔥 1️⃣ 🇸🇪 🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f} 👍🏿';
    expect(sanitizeInput(s)).toBe(s);
  });

  it('keeps other scripts, including joiners they need', () => {
    const s = 'Привет 你好 مرحبا שלום क्‍ष می‌خواهم';
    expect(sanitizeInput(s)).toBe(s);
  });

  it('removes stray tag characters outside a flag sequence', () => {
    expect(sanitizeInput('ok\u{e0041}\u{e0042}')).toBe('ok');
  });

  it('normalises to NFC: a + combining ring becomes å', () => {
    expect(sanitizeInput('a\u030asa')).toBe('åsa');
    expect(sanitizeInput('a\u030asa')).toBe('\u00e5sa');
  });

  it('does not trim and keeps inner newlines', () => {
    expect(sanitizeInput('  rad 1\n  rad 2  ')).toBe('  rad 1\n  rad 2  ');
  });

  it('never leaves an active character and is idempotent, for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const once = sanitizeInput(s);
        expect(hasActiveCharacter(once)).toBe(false);
        expect(once.includes(ESC)).toBe(false);
        expect(sanitizeInput(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves text without any control or format character unchanged (NFC text)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), (s) => {
        const plain = s.normalize('NFC');
        fc.pre(!/[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029\u115f\u1160\u3164\uffa0]/u.test(plain));
        expect(sanitizeInput(plain)).toBe(plain);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('sanitizeLine', () => {
  it('collapses newlines, tabs and Unicode spaces to single spaces and trims', () => {
    expect(sanitizeLine('  Ingen\n\nkontakt\tmed\u00a0\u2003FK  ')).toBe('Ingen kontakt med FK');
  });

  it('collapses a line separator and CR that would otherwise start a new line', () => {
    expect(sanitizeLine('a\u2028b\rc')).toBe('a b c');
  });

  it('removes the same characters as sanitizeInput', () => {
    expect(sanitizeLine(`${ESC}[2J\u0000Titel\u202e 🙂`)).toBe('Titel 🙂');
  });

  it('always gives one line without leading or trailing space', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const line = sanitizeLine(s);
        expect(line).not.toMatch(/[\n\r\u2028\u2029]/);
        expect(line).toBe(line.trim());
        expect(line).not.toMatch(/\s\s/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('terminalSafe', () => {
  it('shows an ESC as ␛, so a clear-screen sequence is printed, not executed', () => {
    expect(terminalSafe(`a${ESC}[2Jb`)).toBe('a␛[2Jb');
  });

  it('shows BEL, CR, backspace, NUL and DEL as control pictures', () => {
    expect(terminalSafe('\u0007\r\u0008\u0000\u007f')).toBe('␇␍␈␀␡');
  });

  it('shows a right-to-left override and other bidi controls as \\u{…} escapes', () => {
    expect(terminalSafe('fil\u202etxt.exe')).toBe('fil\\u{202e}txt.exe');
    expect(terminalSafe('\u2066x\u2069')).toBe('\\u{2066}x\\u{2069}');
  });

  it('shows C1 controls and line separators as \\u{…} escapes', () => {
    expect(terminalSafe('a\u009bb\u0085c\u2028d')).toBe('a\\u{9b}b\\u{85}c\\u{2028}d');
  });

  it('leaves ordinary text, newlines, tabs, Swedish letters and emoji unchanged', () => {
    const s = 'INC-1 Åtgärd klar 👩‍💻\n\tnästa rad 🇸🇪';
    expect(terminalSafe(s)).toBe(s);
  });

  it('never lets an active character through and is idempotent, for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const safe = terminalSafe(s);
        expect(hasActiveCharacter(safe)).toBe(false);
        expect(terminalSafe(safe)).toBe(safe);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('textLength and truncateGraphemes', () => {
  it('counts an emoji as one character', () => {
    expect(textLength('🙂')).toBe(1);
    expect('🙂'.length).toBe(2);
  });

  it('counts a ZWJ family, a flag and a skin-toned emoji as one character each', () => {
    expect(textLength('👨‍👩‍👧‍👦🇸🇪👍🏽')).toBe(3);
  });

  it('counts å written with a combining ring as one character', () => {
    expect(textLength('a\u030a')).toBe(1);
    expect(textLength('Åsa')).toBe(3);
  });

  it('counts the empty string as zero', () => {
    expect(textLength('')).toBe(0);
  });

  it('keeps a text that fits and cuts a longer one to max graphemes ending in …', () => {
    expect(truncateGraphemes('abc', 3)).toBe('abc');
    expect(truncateGraphemes('abcd', 3)).toBe('ab…');
    expect(truncateGraphemes('🙂🙂🙂🙂', 3)).toBe('🙂🙂…');
    expect(truncateGraphemes('🙂🙂🙂', 3)).toBe('🙂🙂🙂');
    expect(truncateGraphemes('ab', 0)).toBe('');
  });

  it('never splits a grapheme and never exceeds max', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.integer({ min: 1, max: 40 }), (s, max) => {
        const cut = truncateGraphemes(s, max);
        expect(textLength(cut)).toBeLessThanOrEqual(Math.max(max, 0));
        if (textLength(s) <= max) expect(cut).toBe(s);
        else expect(s.startsWith(cut.slice(0, -1))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('hasNul', () => {
  it('finds a NUL anywhere and nothing in ordinary text', () => {
    expect(hasNul('abc\u0000')).toBe(true);
    expect(hasNul('\u0000')).toBe(true);
    expect(hasNul('abc ␀ 0')).toBe(false);
  });
});

describe('capEcho', () => {
  it('masks a personnummer in the echoed input', () => {
    expect(capEcho('ack 811218-9876')).toBe(`ack ${PERSONAL_NUMBER_MASK}`);
  });

  it('masks a personnummer hidden by a zero-width space or written with an en dash', () => {
    expect(capEcho('811218\u200b-9876 och 701063\u20132391')).toBe(`${PERSONAL_NUMBER_MASK} och ${PERSONAL_NUMBER_MASK}`);
  });

  it('cuts long input to 80 characters by default, ending in …', () => {
    const echoed = capEcho('x'.repeat(500));
    expect(textLength(echoed)).toBe(80);
    expect(echoed.endsWith('…')).toBe(true);
  });

  it('counts emoji as one character when cutting', () => {
    expect(capEcho('🙂'.repeat(20), 10)).toBe(`${'🙂'.repeat(9)}…`);
  });

  it('gives one line without control characters', () => {
    expect(capEcho(`rad1\nrad2${ESC}[2J\u0000\u202e`)).toBe('rad1 rad2');
  });

  it('echoes 800 kB of input as at most max characters, quickly, and without half a personnummer at the cut', () => {
    const huge = `${'a'.repeat(1_528)}811218-9876${'b'.repeat(800_000)}`;
    const start = performance.now();
    const echoed = capEcho(huge);
    expect(performance.now() - start).toBeLessThan(200);
    expect(textLength(echoed)).toBeLessThanOrEqual(80);
    // The cut of the huge input falls inside the number: none of its digits may survive anywhere.
    for (const max of [80, 2_000]) {
      const e = capEcho(huge, max);
      expect(e.replace(/\D/g, '')).toBe('');
    }
  });

  it('never echoes the ten digits of a personnummer, whatever surrounds it and wherever it is cut', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme-ascii', maxLength: 120 }).map((s) => s.replace(/\d/g, 'x')),
        fc.constantFrom('811218-9876', '19811218 - 9876', '811218\u20139876', '8112189876'),
        fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).map((s) => s.replace(/\d/g, 'x')),
        fc.integer({ min: 1, max: 150 }),
        (before, pnr, after, max) => {
          const echoed = capEcho(before + pnr + after, max);
          expect(echoed.replace(/\D/g, '')).toBe('');
          expect(textLength(echoed)).toBeLessThanOrEqual(max);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
