/**
 * The contact form's data-* hooks: its .astro parts set them, its script
 * finds its parts by them (../hooks.ts), and so does the Worker when it
 * writes the no-JavaScript form and receipt pages (functions/no-js-pages.ts).
 */
import type { Hook } from '../hooks.ts';

export const contactHooks = {
  callDetails: 'data-call-details',
  contactForm: 'data-contact-form',
  encryptionNote: 'data-encryption-note',
  errorFor: 'data-error-for',
  fingerprint: 'data-fingerprint',
  formError: 'data-form-error',
  formErrorFields: 'data-form-error-fields',
  formErrorText: 'data-form-error-text',
  formErrorTitle: 'data-form-error-title',
  formStatus: 'data-form-status',
  /** JSON recipient id → identity fingerprint pinned by the build (key-set-loader.ts). */
  identityPins: 'data-identity-pins',
  keyFingerprint: 'data-key-fingerprint',
  messageCountOutput: 'data-message-count-output',
  needsJs: 'data-needs-js',
  notConnectedNote: 'data-not-connected-note',
  phone: 'data-phone',
  phoneNeeded: 'data-phone-needed',
  receipt: 'data-receipt',
  receiptCode: 'data-receipt-code',
  receiptCodeSpoken: 'data-receipt-code-spoken',
  receiptKey: 'data-receipt-key',
  receiptNext: 'data-receipt-next',
  receiptPromise: 'data-receipt-promise',
  receiptSecret: 'data-receipt-secret',
  receiptSecretValue: 'data-receipt-secret-value',
  recipientLine: 'data-recipient-line',
  recipientPromise: 'data-recipient-promise',
  replyHere: 'data-reply-here',
  submit: 'data-submit',
} as const satisfies Record<string, Hook>;
