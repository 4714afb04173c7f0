import { describe, expect, it } from 'vitest';
import {
  letterCount,
  lix,
  mdxToBlocks,
  measureBlocks,
  measureMdx,
  splitFrontMatter,
  splitSentences,
  words,
} from '../../src/guidance/readability.ts';

describe('splitFrontMatter', () => {
  it('separates YAML front matter from the body', () => {
    const { frontMatter, body } = splitFrontMatter('---\ntitle: "Hej"\n---\n\nText här.\n');
    expect(frontMatter).toBe('title: "Hej"');
    expect(body).toBe('\nText här.\n');
  });

  it('treats a file without front matter as all body', () => {
    expect(splitFrontMatter('Bara text.').body).toBe('Bara text.');
  });
});

describe('mdxToBlocks', () => {
  it('removes Markdown syntax and keeps link text', () => {
    const body = [
      '## Vad kan jag göra?',
      '',
      'Ring **socialrådgivningen** på [08-508 25 600](tel:+46850825600).',
      'De svarar dygnet runt.',
      '',
      '- Skicka en [kontaktförfrågan](../kontakt/)',
      '- Prata med *någon*',
      '',
    ].join('\n');
    expect(mdxToBlocks(body)).toEqual([
      'Vad kan jag göra?',
      'Ring socialrådgivningen på 08-508 25 600. De svarar dygnet runt.',
      'Skicka en kontaktförfrågan',
      'Prata med någon',
    ]);
  });

  it('skips imports, code fences and comments', () => {
    const body = "import X from './x';\n\n```\nkod här\n```\n\n<!-- anteckning -->\n\nText.";
    expect(mdxToBlocks(body)).toEqual(['Text.']);
  });
});

describe('splitSentences', () => {
  it('ends sentences at . ! ? followed by space or end', () => {
    expect(splitSentences('Hej. Hur mår du? Bra!')).toEqual(['Hej.', 'Hur mår du?', 'Bra!']);
  });

  it('does not end a sentence inside numbers, addresses or abbreviations', () => {
    expect(splitSentences('Vi följer WCAG 2.2 på digg.se, t.ex. nivå AA. Klart.')).toEqual([
      'Vi följer WCAG 2.2 på digg.se, t.ex. nivå AA.',
      'Klart.',
    ]);
  });

  it('ends sentences at the Ethiopic full stop and the Arabic question mark', () => {
    expect(splitSentences('ሰላም። ከመይ ኣለኻ፧')).toHaveLength(2);
    expect(splitSentences('هل أنت بخير؟ نعم.')).toHaveLength(2);
  });

  it('counts a block without a full stop as one sentence', () => {
    expect(splitSentences('Ring 112')).toEqual(['Ring 112']);
  });
});

describe('words', () => {
  it('counts tokens with letters or digits, not punctuation', () => {
    expect(words('Ring 112 – nu!')).toEqual(['Ring', '112', 'nu']);
  });

  it('treats the Ethiopic word space as a space', () => {
    expect(words('ሰላም፡ዓለም')).toEqual(['ሰላም', 'ዓለም']);
  });

  it('counts letters only', () => {
    expect(letterCount('BankID')).toBe(6);
    expect(letterCount('08-508')).toBe(0);
    expect(letterCount('id-kort')).toBe(6);
    expect(letterCount('socialtjänsten')).toBe(14);
  });
});

describe('lix', () => {
  it('is words per sentence plus the share of long words in percent', () => {
    // 10 words, 2 sentences, 3 long words: 10/2 + 100*3/10 = 5 + 30
    expect(lix(10, 2, 3)).toBe(35);
    expect(lix(0, 0, 0)).toBe(0);
  });

  it('measures a small Swedish text by hand', () => {
    // "Du kan få hjälp." 4 words, 0 long.
    // "Socialtjänsten svarar dygnet runt." 4 words; long: Socialtjänsten (14), svarar (6: no), dygnet (6: no) → 1.
    // 8 words, 2 sentences, 1 long word: 8/2 + 100*1/8 = 4 + 12.5 = 16.5
    const report = measureBlocks(['Du kan få hjälp. Socialtjänsten svarar dygnet runt.']);
    expect(report).toEqual({ sentences: 2, words: 8, longWords: 1, averageSentenceLength: 4, lix: 16.5 });
  });

  it('counts each heading and list item as a sentence', () => {
    // Sentences: "Vad händer nu" | "Du får ett samtal." | "Ring" | "Skriv"
    // Words: 3 + 4 + 1 + 1 = 9; long words: none (händer = 6 letters).
    const report = measureMdx('---\ntitle: "x"\n---\n## Vad händer nu\n\nDu får ett samtal.\n\n- Ring\n- Skriv\n');
    expect(report.sentences).toBe(4);
    expect(report.words).toBe(9);
    expect(report.longWords).toBe(0);
    expect(report.averageSentenceLength).toBe(2.25);
    expect(report.lix).toBe(2.25);
  });
});
