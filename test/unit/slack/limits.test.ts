import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitEmail, fitMrkdwn, fitSentence, fitText, LIMITS } from '../../../src/slack/blocks/limits.js';

const graphemes = (s: string) =>
  Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s), (x) => x.segment);
const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('LIMITS', () => {
  it('holds the documented figures', () => {
    expect(LIMITS).toMatchObject({
      messageBlocks: 50,
      viewBlocks: 100,
      sectionText: 3000,
      sectionFieldText: 2000,
      sectionFields: 10,
      confirmTitle: 100,
      confirmText: 300,
      confirmButton: 30,
      overflowOptionsMin: 2,
      overflowOptionsMax: 5,
      optionText: 75,
      optionValue: 150,
      buttonText: 75,
      buttonValue: 2000,
      buttonUrl: 3000,
      viewTitle: 24,
      viewSubmit: 24,
      viewClose: 24,
      privateMetadata: 3000,
      callbackId: 255,
      blockId: 255,
      actionId: 255,
      contextElements: 10,
      selectOptions: 100,
      inputLabel: 2000,
      inputHint: 2000,
      placeholder: 150,
      plainTextInputMaxLength: 3000,
      headerText: 150,
      messageText: 40_000,
    });
  });
});

describe('fitText', () => {
  it('leaves text that fits alone', () => {
    expect(fitText('Ann Lee', 7)).toBe('Ann Lee');
    expect(fitMrkdwn('A & B', 9)).toBe('A &amp; B');
  });

  it('cuts at the end with an ellipsis', () => {
    expect(fitText('abcdefgh', 5)).toBe('abcd…');
    expect(fitText('abc', 0)).toBe('');
    expect(fitText('abc', 1)).toBe('…');
  });

  it('never splits an emoji, a flag or a family', () => {
    expect(fitText('ab😀😀', 4)).toBe('ab…');
    expect(fitText('🇩🇪🇫🇷🇮🇹', 5)).toBe('🇩🇪…');
    expect(fitText('👨‍👩‍👧x', 8)).toBe('…');
    expect(fitText('é'.normalize('NFD').repeat(4), 5)).toBe(`${'é'.normalize('NFD').repeat(2)}…`);
  });

  it('escapes before counting, and never cuts inside an entity', () => {
    expect(fitMrkdwn('<<<<', 10)).toBe('&lt;&lt;…');
    expect(fitMrkdwn('a&b', 6)).toBe('a…');
    expect(fitMrkdwn('<!channel>', 30)).toBe('&lt;!channel&gt;');
  });

  it('elides the middle of an email, keeping the domain', () => {
    const email = `${'a'.repeat(200)}@${'b'.repeat(40)}.example.com`;
    const shown = fitEmail(email, 60);
    expect(shown).toHaveLength(60);
    expect(shown.startsWith('aaaa')).toBe(true);
    expect(shown.endsWith('.example.com')).toBe(true);
    expect(shown).toContain('…');
  });

  it('for any text, limit and options: within the limit, whole graphemes, a prefix/suffix of the escaped text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ maxLength: 200 })),
        fc.integer({ min: 0, max: 120 }),
        fc.boolean(),
        fc.constantFrom<'end' | 'middle'>('end', 'middle'),
        (text, max, escaped, elide) => {
          const out = fitText(text, max, { escape: escaped, elide });
          expect(out.length).toBeLessThanOrEqual(max);
          const full = escaped ? fitMrkdwn(text, Number.MAX_SAFE_INTEGER) : text;
          if (out === full) return;
          if (max === 0) return void expect(out).toBe('');
          const [head = '', tail = ''] = out.split(/…(?!.*…)/su);
          expect(full.startsWith(head)).toBe(true);
          expect(full.endsWith(tail)).toBe(true);
          // Escaping is never cut mid-entity: unescaping and escaping again gives the same text.
          if (escaped) expect(fitMrkdwn(decode(head), Number.MAX_SAFE_INTEGER)).toBe(head);
          // Whole graphemes: the kept parts segment exactly as they did inside the original.
          const original = graphemes(text).join('\u0000');
          for (const part of [head, tail]) {
            const raw = escaped ? decode(part) : part;
            if (raw) expect(original).toContain(graphemes(raw).join('\u0000'));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('fitSentence', () => {
  it('gives the user text the room the fixed words leave', () => {
    const email = `${'a'.repeat(240)}@example.com`;
    const text = fitSentence(
      300,
      (e) => `The invitation to ${e} will stop working. You can invite them again later.`,
      email,
      {
        escape: true,
        elide: 'middle',
      },
    );
    expect(text).toHaveLength(300);
    expect(text).toMatch(/^The invitation to a+…a*@example\.com will stop working\./);
  });

  it('cuts the sentence itself rather than go over when the fixed words alone do not fit', () => {
    expect(fitSentence(10, (x) => `0123456789ABC${x}`, 'user')).toBe('012345678…');
  });
});
