/**
 * One opened answer on the page, from the template: who it is from, which
 * request it answers, its phrases and free text in the page's language, and
 * a button to delete it.
 */
import type { ReplyMessage } from '../../../protocol/reply.ts';
import { part, type OpenedAnswer } from './state.ts';
import { readerHooks } from './hooks.ts';
import { is } from '../hooks.ts';

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (match, name: string) => values[name] ?? match);
// Numbers read left to right inside right-to-left text.
const isolate = (text: string) => `\u2066${text}\u2069`;

/** Makes the element for an answer; `onDelete` runs when its delete button is pressed. */
export function answerView(root: HTMLElement): (answer: OpenedAnswer, onDelete: (article: HTMLElement) => void) => HTMLElement {
  const data = root.dataset;
  const template = part<HTMLTemplateElement>(root, is(readerHooks.replyAnswerTemplate));
  const names = JSON.parse(data.names ?? '{}') as Record<string, string>;
  const languageNames = JSON.parse(data.languageNames ?? '{}') as Record<string, string>;

  function phraseText(phrase: ReplyMessage['phrases'][number]): string {
    const text = root.getAttribute(`data-phrase-${phrase.id}`) ?? '';
    if (phrase.id === 'could-not-reach') return fill(text, { phone: isolate(phrase.phone) });
    if (phrase.id === 'meet') return fill(text, { place: phrase.place, time: phrase.time });
    if (phrase.id === 'write-again') return fill(text, { date: isolate(phrase.date) });
    return text;
  }

  return (answer, onDelete) => {
    const article = (template.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
    part(article, is(readerHooks.answerFrom)).textContent = fill(data.msgFrom ?? '', {
      name: answer.serves.map((id) => names[id] ?? id).join(', ') || answer.recipient,
    });
    // The date only, never the receipt code: whoever reads this on the phone must not learn the
    // code that staff ask for before they speak (review N10).
    part(article, is(readerHooks.answerAbout)).textContent = fill(data.msgAbout ?? '', { date: isolate(answer.message.created) });
    const list = part(article, is(readerHooks.answerPhrases));
    for (const phrase of answer.message.phrases) {
      const item = document.createElement('li');
      item.textContent = phraseText(phrase);
      list.append(item);
    }
    list.hidden = answer.message.phrases.length === 0;
    if (answer.message.text) {
      const lang = answer.message.text.lang;
      part(article, is(readerHooks.answerTextBlock)).hidden = false;
      part(article, is(readerHooks.answerTextLabel)).textContent = fill(data.msgTextLabel ?? '', { language: languageNames[lang] ?? lang });
      const body = part(article, is(readerHooks.answerText));
      body.textContent = answer.message.text.body;
      body.lang = lang;
      body.dir = lang === 'ar' || lang === 'fa' ? 'rtl' : 'ltr';
    }
    part(article, is(readerHooks.answerDelete)).addEventListener('click', () => onDelete(article));
    return article;
  };
}
