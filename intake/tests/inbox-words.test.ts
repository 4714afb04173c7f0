/**
 * The inbox in the team's own words (issue 22, part 7), through
 * app.request and the pages' functions as the inbox app runs them in the
 * browser (render-like-browser.ts): every code a request or the log carries is shown as a
 * label, in Swedish and in English; each list row says language, contact
 * method and its cues; the reply language follows the request; the
 * look-up hint shows today's 12-digit code.
 */
import { parse } from 'node-html-parser';
import { describe, expect } from 'vitest';
import { it } from './backend.ts';
import { deriveReplyKeys } from '../../protocol/reply-keys.ts';
import { createRequest, type ContactRequest } from '../../protocol/request.ts';
import { codeLikeWords } from './code-like.ts';
import { needs } from '../../protocol/limits.ts';
import formSv from '../../src/i18n/strings/sv.json' with { type: 'json' };
import formEn from '../../src/i18n/strings/en.json' with { type: 'json' };
import { needLabel } from '../src/inbox/labels.ts';
import { LANG_COOKIE } from '../src/inbox/context.ts';
import { inboxText } from '../src/inbox/text.ts';
import { NO_RECIPIENTS } from '../src/promise.ts';
import { envelopeBody } from './helpers.ts';
import { renderLikeBrowser, visibleText } from './render-like-browser.ts';
import { setUp, sv, type Person } from './inbox-helpers.ts';

const en = inboxText.en;

function arabicRequest(message: string, extra: Partial<ContactRequest> = {}): ContactRequest {
  return createRequest({
    locale: 'ar',
    role: 'relative',
    municipality: 'stockholm',
    needs: ['leave-crime', 'money-debts'],
    contact: { method: 'sms', phone: '070-123 45 67', safeTimes: 'kvällar', voicemailOk: false, mayNameSocialServices: false },
    language: 'العربية',
    interpreter: true,
    message,
    ...extra,
  });
}

async function inbox() {
  // A reply form to look at; nothing is sealed or sent here.
  const setup = await setUp({ replies: { deliverNow: () => Promise.resolve(null), siteKnown: false } });
  const keys = await deriveReplyKeys('11112222333344445555');
  const receive = async (request: ContactRequest) => {
    const result = await setup.store.receive(await envelopeBody(setup.intake, request), NO_RECIPIENTS);
    if (result.status !== 'stored') throw new Error(result.status);
    return result.ref;
  };
  const arabic = await receive(arabicRequest('Min son behöver hjälp.', { reply: { publicKey: keys.publicKey, mailbox: keys.mailbox } }));
  const twin = await receive(arabicRequest('Samma text två gånger.'));
  await receive(arabicRequest('Samma text två gånger.'));
  const admin = setup.person('Anna Admin', 'admin');
  /** The page as the staff member's browser shows it, once the inbox app has opened its content. */
  const inLanguage = async (path: string, who: Person, lang: 'sv' | 'en') => {
    const answer = await setup.app.request(path, { headers: { cookie: `${who.cookie}; ${LANG_COOKIE}=${lang}` } });
    const page = await answer.text();
    return { status: answer.status, text: () => renderLikeBrowser(page, setup.store, setup.intake.keys) };
  };
  return { ...setup, arabic, twin, admin, inLanguage };
}

describe('the inbox in the team’s own words', () => {
  it('shows no raw code on any page, in Swedish or English', async () => {
    const { admin, arabic, post, inLanguage } = await inbox();
    await post(`/r/${arabic}/claim`, admin);
    await post(`/r/${arabic}/status`, admin, { status: 'contacted' });
    for (const lang of ['sv', 'en'] as const) {
      for (const path of ['/', `/r/${arabic}`, '/lookup', '/audit', '/staff', '/review', '/closed']) {
        const answer = await inLanguage(path, admin, lang);
        expect(answer.status, path).toBe(200);
        const text = visibleText(await answer.text());
        expect(codeLikeWords(text), `${lang} ${path}`).toEqual([]);
      }
    }
  });

  it('names needs, municipality, languages and method in words', async () => {
    const { admin, arabic, inLanguage } = await inbox();
    const svPage = visibleText(await (await inLanguage(`/r/${arabic}`, admin, 'sv')).text());
    expect(svPage).toContain('Lämna kriminalitet eller ett gäng, Pengar och skulder');
    expect(svPage).toContain('Stockholms stad');
    expect(svPage).toContain(`${sv.siteLanguage} arabiska`);
    expect(svPage).toContain(sv.method_sms);
    const enPage = visibleText(await (await inLanguage(`/r/${arabic}`, admin, 'en')).text());
    expect(enPage).toContain('Leaving crime or a gang, Money and debts');
    expect(enPage).toContain(`${en.siteLanguage} Arabic`);
  });

  it('gives each list row its language, contact method and cues', async () => {
    const { admin, arabic, twin, inLanguage } = await inbox();
    const list = parse(await (await inLanguage('/', admin, 'sv')).text());
    const row = (ref: string) => list.querySelector(`a[href="/r/${ref}"]`)!.closest('tr')!.textContent.replace(/\s+/g, ' ');
    expect(row(arabic)).toContain('arabiska');
    expect(row(arabic)).toContain(sv.method_sms);
    expect(row(arabic)).toContain(sv.cueAnswerHere);
    expect(row(arabic)).not.toContain(sv.cueDuplicate);
    expect(row(twin)).toContain(sv.cueDuplicate);
    expect(row(twin)).not.toContain(sv.cueAnswerHere);
  });

  it('defaults the reply language to the request’s language', async () => {
    const { admin, arabic, post, inLanguage } = await inbox();
    await post(`/r/${arabic}/claim`, admin);
    const view = parse(await (await inLanguage(`/r/${arabic}`, admin, 'sv')).text());
    expect(view.querySelectorAll('#reply-lang option[selected]').map((o) => o.getAttribute('value'))).toEqual(['ar']);
  });

  it('shows today’s 12-digit receipt code in the look-up hint', async () => {
    const { admin, inLanguage } = await inbox();
    for (const lang of ['sv', 'en'] as const) {
      const hint = parse(await (await inLanguage('/lookup', admin, lang)).text()).querySelector('#code-hint')!.textContent;
      expect(hint).toMatch(/\b\d{3} \d{3} \d{3} \d{3}\b/);
      expect(hint).not.toContain('7KQ3');
    }
  });

  it('labels the log: columns, people by name, actions and their details', async () => {
    const { admin, arabic, post, inLanguage } = await inbox();
    await post(`/r/${arabic}/claim`, admin);
    await post(`/r/${arabic}/status`, admin, { status: 'contacted' });
    const log = visibleText(await (await inLanguage('/audit', admin, 'sv')).text());
    expect(log).toContain(`${sv.colWhen} ${sv.colActor} ${sv.colAction} ${sv.colRef}`);
    expect(log).toContain(`Anna Admin ${sv.action_claimed}`);
    expect(log).toContain(`${sv.action_status_changed}: ${sv.status_contacted}`);
    expect(log).toContain(`${sv.actor_receiver} ${sv.action_received}`);
  });
});

describe('need labels', () => {
  // The inbox keeps its own copy (its bundle holds no site strings); it must say what the form said.
  it('use the contact form’s own words, in Swedish and English', () => {
    const form: Record<'sv' | 'en', Record<string, string>> = { sv: formSv, en: formEn };
    for (const lang of ['sv', 'en'] as const) {
      for (const need of needs) expect(needLabel(need, lang), `${lang} ${need}`).toBe(form[lang][`form.need.${need}`]);
    }
  });
});
