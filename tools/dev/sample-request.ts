import type { ContactRequestInput } from '../../protocol/request.ts';

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
