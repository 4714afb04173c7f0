import type { ContactRequestInput } from '../../protocol/request.ts';

/**
 * A made-up contact request (no real person) for tests, benchmarks and
 * fuzzing: the least a person can send — "I will call you" and a message.
 */
export function sampleAnswers(message: string): ContactRequestInput {
  return {
    locale: 'sv',
    role: 'self',
    municipality: 'stockholm',
    needs: ['leave-crime'],
    contact: { method: 'i-call', safeTimes: '', voicemailOk: false, mayNameSocialServices: false },
    language: '',
    interpreter: false,
    message,
  };
}
