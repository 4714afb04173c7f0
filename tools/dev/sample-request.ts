import type { ContactRequestInput, ReplyAddress } from '../../protocol/request.ts';

/**
 * A made-up contact request (no real person) for tests, benchmarks and
 * fuzzing: the least a person can send — "I will call you" and a message.
 * `changes` replaces fields (e.g. `{ needs: [] }`).
 */
export function sampleAnswers(message: string, changes: Partial<ContactRequestInput> = {}): ContactRequestInput {
  return {
    locale: 'sv',
    role: 'self',
    municipality: 'stockholm',
    needs: ['leave-crime'],
    contact: { method: 'i-call', safeTimes: '', voicemailOk: false, mayNameSocialServices: false },
    language: '',
    interpreter: false,
    message,
    ...changes,
  };
}

/**
 * The same from someone who asked to be answered on the site: method
 * "here", the reply address their secret gives, no need ticked.
 */
export function answerHereAnswers(message: string, reply: ReplyAddress, changes: Partial<ContactRequestInput> = {}): ContactRequestInput {
  return sampleAnswers(message, {
    needs: [],
    contact: { method: 'here', safeTimes: '', voicemailOk: false, mayNameSocialServices: false },
    reply: { publicKey: reply.publicKey, mailbox: reply.mailbox },
    ...changes,
  });
}

/** The same in `locale`, from someone who asked for a text message (a made-up number). */
export function textMeAnswers(locale: ContactRequestInput['locale'], message: string): ContactRequestInput {
  return sampleAnswers(message, {
    locale,
    contact: { method: 'sms', phone: '070-123 45 67', safeTimes: '', voicemailOk: false, mayNameSocialServices: false },
  });
}
