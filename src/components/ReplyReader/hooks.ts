/**
 * The answer reader's data-* hooks: ReplyReader.astro and ReaderForm.astro
 * set them, the reader's script finds its parts by them (../hooks.ts).
 */
import type { Hook } from '../hooks.ts';
import { contactHooks } from '../ContactForm/hooks.ts';

export const readerHooks = {
  answerAbout: 'data-answer-about',
  answerDelete: 'data-answer-delete',
  answerFrom: 'data-answer-from',
  answerPhrases: 'data-answer-phrases',
  answerText: 'data-answer-text',
  answerTextBlock: 'data-answer-text-block',
  answerTextLabel: 'data-answer-text-label',
  /** The same pins as the contact form's: a write-back is sealed only to a key they verify. */
  identityPins: contactHooks.identityPins,
  replyAnswerTemplate: 'data-reply-answer-template',
  replyAnswers: 'data-reply-answers',
  replyError: 'data-reply-error',
  replyErrorText: 'data-reply-error-text',
  replyForm: 'data-reply-form',
  replyNojs: 'data-reply-nojs',
  replyNone: 'data-reply-none',
  replyReader: 'data-reply-reader',
  replySecret: 'data-reply-secret',
  replySecretError: 'data-reply-secret-error',
  replyStatus: 'data-reply-status',
  replySubmit: 'data-reply-submit',
  writeBack: 'data-write-back',
  writeBackError: 'data-write-back-error',
  writeBackSent: 'data-write-back-sent',
  writeBackSubmit: 'data-write-back-submit',
  writeBackText: 'data-write-back-text',
} as const satisfies Record<string, Hook>;
