import { type ContactRequestInput } from '../../protocol/request.ts';
import { LANGUAGE_MAX_LENGTH, MESSAGE_MAX_LENGTH, needs, SAFE_TIMES_MAX_LENGTH } from '../../protocol/limits.ts';

/**
 * The largest request a person can write: every free-text field at its
 * maximum in Ge'ez script (3 UTF-8 bytes per character), every need, the
 * longest municipality id and phone number. The padded size is measured
 * against it (envelope.test.ts, reply.test.ts).
 */
export function worstCaseAnswers(): ContactRequestInput {
  return {
    locale: 'sv',
    role: 'self',
    municipality: `m${'-'.repeat(63)}`,
    needs: [...needs],
    contact: {
      method: 'call',
      phone: '+46 (70) 123-45-67-89'.padEnd(32, ' '),
      safeTimes: 'ቀ'.repeat(SAFE_TIMES_MAX_LENGTH),
      voicemailOk: true,
      mayNameSocialServices: true,
    },
    language: 'ቀ'.repeat(LANGUAGE_MAX_LENGTH),
    interpreter: true,
    message: 'ቀ'.repeat(MESSAGE_MAX_LENGTH),
  };
}
