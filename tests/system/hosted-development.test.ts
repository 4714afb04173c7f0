/**
 * The hosted development recipient on the form (issue 20), against the
 * real Worker under wrangler dev and its local queue, started as `npm
 * start` starts it: the object of `hosted-development` gets its
 * development vault and the statement of its key is published
 * (tools/dev/local-system.ts). The no-JavaScript form, sent for Solna, is
 * sealed by the Worker to that key, queued, and handed to that recipient's
 * Durable Object (kid → recipient from its verified statement), which
 * stores it: read here from the object's SQLite file and opened with the
 * development key. Nothing goes to the self-hosted recipient. The receipt
 * page says the recipient is for development and has made no promise.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { importPrivateKey, keyRing, openEnvelope } from '../../protocol/envelope-open.ts';
import { useTranslations } from '../../src/i18n/translator.ts';
import { readHostedObjects } from '../../tools/dev/hosted-load.ts';
import { HOSTED_DEV_RECIPIENT } from '../../tools/dev/dev-keys.ts';
import { oneWorkerForTheseTests, postContactForm, sleep } from './system-harness.ts';

const system = oneWorkerForTheseTests({ hostedInbox: { recipient: HOSTED_DEV_RECIPIENT.id, staff: 'Systemtest (development)' } });
const message = 'Jag vill ha hjälp att ta mig ur. Systemtest, hostad inkorg.';

/** The no-JavaScript form as a browser posts it from the site's own page, for Solna. */
function postForm(): Promise<Response> {
  return postContactForm(system.worker().url, {
    locale: 'sv',
    role: 'self',
    municipality: 'solna',
    needs: 'leave-crime',
    method: 'i-call',
    language: 'svenska',
    message,
  });
}

/** The envelopes the hosted development recipient's object has stored, from its SQLite file. */
async function storedEnvelopes(): Promise<string[]> {
  const persistTo = join(system.intake().root, 'wrangler-state');
  const objects = await readHostedObjects(persistTo, (db) =>
    db
      .prepare('SELECT body FROM envelopes')
      .all()
      .map((row) => String(row['body'])),
  );
  return objects.get(HOSTED_DEV_RECIPIENT.id) ?? [];
}

it('takes a request for Solna from the no-JS form into the hosted object, and says there is no promise', async () => {
  const worker = system.worker();
  // Its administrator's one-time link is on its own host.
  expect(await worker.hostedInboxLink).toMatch(/^http:\/\/hosted-development\.inkorg\.localhost:\d+\/invite\//);

  const sent = await postForm();
  expect(sent.status).toBe(303);
  const receiptPath = sent.headers.get('location')!;
  expect(receiptPath).toMatch(/^\/api\/contact\/receipt\//);

  // The receipt page keeps only this recipient's note: development, no promise, what works for everyone.
  const t = useTranslations('sv');
  const receipt = await (await fetch(`${worker.url}${receiptPath}`)).text();
  expect(receipt).toContain('data-receipt-promise="hosted-development"');
  expect(receipt).not.toContain('data-receipt-promise="stockholm-development"');
  expect(receipt).toContain(t('promise.development'));
  expect(receipt).toContain(t('promise.none'));
  expect(receipt).toContain(t('receipt.recipient', { name: 'Solna stad' }));
  expect(receipt).toContain('data-what-works-now');
  expect(receipt).not.toContain(t('promise.source', { source: 'Stockholms stad, 2024' }));

  // Through the queue into the object: stored once, sealed to its key, and it opens to what was sent.
  const deadline = Date.now() + 60_000;
  let envelopes: string[] = [];
  while (envelopes.length === 0 && Date.now() < deadline) {
    await sleep(500);
    envelopes = await storedEnvelopes();
  }
  expect(envelopes).toHaveLength(1);
  const envelope = JSON.parse(envelopes[0]!) as { kid: string };
  const hostedKids = system.intake().hosted.keys.map((key) => key.kid);
  expect(hostedKids).toContain(envelope.kid);
  const ring = keyRing(await Promise.all(system.intake().hosted.keys.map((key) => importPrivateKey(key.privateJwk))));
  const request = await openEnvelope(envelope, ring);
  expect(request.municipality).toBe('solna');
  expect(request.message).toBe(message);
});
