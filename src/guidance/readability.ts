/**
 * Readability measures for the guidance pages: pure functions, no I/O.
 *
 * - `splitFrontMatter` separates the YAML front matter from the MDX body.
 * - `mdxToBlocks` turns the body into plain prose blocks: one per paragraph,
 *   heading and list item. Markdown syntax (heading marks, list marks, bold,
 *   links, code, HTML/JSX tags, import/export lines) is removed; link text
 *   stays, link targets go.
 * - `splitSentences` cuts prose into sentences. A sentence ends at `.`, `!`,
 *   `?`, `…`, the Ethiopic full stop `።` and question mark `፧`, the Arabic
 *   question mark `؟` and full stop `۔`, when followed by a space or the end
 *   of the text (so "2.2", "08-508" and "digg.se" do not end one). The end of
 *   every block (heading, list item, paragraph) also ends a sentence.
 * - `words` are tokens between spaces that hold at least one letter or digit;
 *   the Ethiopic word space `፡` counts as a space.
 * - LIX (Björnsson's läsbarhetsindex), for Swedish:
 *   words / sentences + 100 × (words longer than 6 letters) / words.
 *   Under 30 is very easy, 30–40 easy, 40–50 medium (newspapers).
 */

export type ReadabilityReport = {
  sentences: number;
  words: number;
  /** Words with more than six letters (digits and hyphens do not count). */
  longWords: number;
  /** Words per sentence, 0 when there are no sentences. */
  averageSentenceLength: number;
  /** LIX; meaningful for Swedish (and roughly for other Germanic languages). */
  lix: number;
};

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Splits `---\nyaml\n---\nbody`. A file without front matter is all body. */
export function splitFrontMatter(source: string): { frontMatter: string; body: string } {
  const match = FRONT_MATTER.exec(source);
  if (!match) return { frontMatter: '', body: source };
  return { frontMatter: match[1] ?? '', body: source.slice(match[0].length) };
}

/** Abbreviations whose full stop does not end a sentence (lower case). */
const ABBREVIATIONS = ['t.ex.', 'bl.a.', 's.k.', 'm.m.', 'dvs.', 'ca.', 'e.g.', 'i.e.', 'etc.', 'nr.', 'kl.'];

function stripInline(text: string): string {
  return (
    text
      // images: keep the alt text
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      // links: keep the text
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      // reference links [text][ref]
      .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1')
      // autolinks <https://…>
      .replace(/<((?:https?:|mailto:|tel:)[^>]+)>/g, '$1')
      // HTML / JSX tags
      .replace(/<\/?[A-Za-z][^>]*>/g, ' ')
      // MDX expressions {…}
      .replace(/\{[^}]*\}/g, ' ')
      // inline code
      .replace(/`([^`]*)`/g, '$1')
      // bold / italics / strike marks
      .replace(/(\*\*|__|~~)/g, '')
      .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,:;!?]|$)/g, '$1$2')
      // escaped characters
      .replace(/\\([\\`*_{}[\]()#+\-.!>])/g, '$1')
      .replace(/[ \t]+/g, ' ')
      .trim()
  );
}

const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/;

/**
 * The prose of an MDX body as blocks (paragraphs, headings, list items),
 * each without Markdown syntax. Each block ends at least one sentence.
 */
export function mdxToBlocks(body: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let inFence = false;
  let inComment = false;
  const flush = () => {
    const text = stripInline(current.join(' '));
    if (text) blocks.push(text);
    current = [];
  };
  for (const rawLine of body.split(/\r?\n/)) {
    const line = rawLine.replace(/\s+$/, '');
    if (/^\s*(```|~~~)/.test(line)) {
      flush();
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    if (inComment) {
      if (line.includes('-->') || line.includes('*/}')) inComment = false;
      continue;
    }
    if (/^\s*(<!--|\{\/\*)/.test(line)) {
      flush();
      if (!line.includes('-->') && !line.includes('*/}')) inComment = true;
      continue;
    }
    if (/^(import|export)\s/.test(line)) {
      flush();
      continue;
    }
    if (line.trim() === '' || /^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      current.push(heading[1] ?? '');
      flush();
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      flush();
      current.push(item[1] ?? '');
      continue;
    }
    current.push(line.replace(/^\s*>\s?/, '').trim());
  }
  flush();
  return blocks;
}

const TERMINATOR = /[.!?…։።፧؟۔]+["'”’»)\]]*(?=\s|$)/gu;

/** Sentences of one block of prose (the block's end ends a sentence). */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of text.matchAll(TERMINATOR)) {
    const end = (match.index ?? 0) + match[0].length;
    const candidate = text.slice(start, end);
    const lastWord = (candidate.split(/\s+/).pop() ?? '').toLowerCase();
    if (match[0] === '.' && ABBREVIATIONS.includes(lastWord)) continue;
    if (words(candidate).length > 0) sentences.push(candidate.trim());
    start = end;
  }
  const rest = text.slice(start);
  if (words(rest).length > 0) sentences.push(rest.trim());
  return sentences;
}

/** Words: space-separated tokens holding at least one letter or digit. */
export function words(text: string): string[] {
  return text
    .split(/[\s\u1361]+/u)
    .map((token) => token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((token) => /[\p{L}\p{N}]/u.test(token));
}

/** Number of letters in a word (marks such as Arabic vowel signs are not letters). */
export function letterCount(word: string): number {
  return (word.match(/\p{L}/gu) ?? []).length;
}

/** LIX from counts. 0 for empty text. */
export function lix(wordCount: number, sentenceCount: number, longWordCount: number): number {
  if (wordCount === 0 || sentenceCount === 0) return 0;
  return wordCount / sentenceCount + (100 * longWordCount) / wordCount;
}

/** Measures plain prose blocks. */
export function measureBlocks(blocks: readonly string[]): ReadabilityReport {
  const sentences = blocks.flatMap((block) => splitSentences(block));
  const allWords = sentences.flatMap((sentence) => words(sentence));
  const longWords = allWords.filter((word) => letterCount(word) > 6).length;
  return {
    sentences: sentences.length,
    words: allWords.length,
    longWords,
    averageSentenceLength: sentences.length === 0 ? 0 : allWords.length / sentences.length,
    lix: lix(allWords.length, sentences.length, longWords),
  };
}

/** Measures a whole MDX file (front matter is ignored) or an MDX body. */
export function measureMdx(source: string): ReadabilityReport {
  return measureBlocks(mdxToBlocks(splitFrontMatter(source).body));
}
