/**
 * Without JavaScript, against the real Worker under wrangler dev: until the
 * development recipient's signed key statement is published, the Worker
 * seals nothing to it and gives the form back with the reason and every
 * answer; once it is published (PUT /api/key-statement, no build), the same
 * form is sealed and queued. A forged or older statement is refused.
 */
import { expect, it } from 'vitest';
import { oneWorkerForTheseTests, postContactForm } from './system-harness.ts';
import { publishKeyStatement } from '../../protocol/key-statement.ts';
import { useTranslations } from '../../src/i18n/translator.ts';

const system = oneWorkerForTheseTests({ publishKeyStatement: false });

/** The no-JavaScript form as a browser posts it, from the site's own page. */
function postForm(): Promise<Response> {
  return postContactForm(system.worker().url, {
    locale: 'fa',
    role: 'self',
    municipality: 'stockholm',
    needs: 'leave-crime',
    method: 'i-call',
    language: 'فارسی',
    message: 'می‌خواهم بیرون بیایم.',
  });
}

it('seals nothing before the statement is published, and seals at once after, with no build', async () => {
  const refused = await postForm();
  expect(refused.status).toBe(503);
  const html = await refused.text();
  expect(html).toContain(useTranslations('fa')('form.error.keyRefused'));
  expect(html).toContain('می‌خواهم بیرون بیایم.');

  const statement = await system.intake().keyStatement();
  expect(await publishKeyStatement(system.worker().url, statement)).toEqual({ ok: true });
  const sent = await postForm();
  expect(sent.status).toBe(303);
  expect(sent.headers.get('location')).toMatch(/^\/api\/contact\/receipt\//);

  // The same statement again, or a forged one, is refused; the stored one stays.
  expect(await publishKeyStatement(system.worker().url, statement)).toEqual({ ok: false, status: 409, error: 'stale_statement' });
  const forged = { ...(await system.intake().keyStatement()), keys: [{ publicKey: statement.keys[0]!.publicKey, notAfter: '2099-12-31' }] };
  expect(await publishKeyStatement(system.worker().url, forged)).toEqual({ ok: false, status: 403, error: 'bad_signature' });
  expect((await postForm()).status).toBe(303);
});
