/**
 * Reads the municipality's answer in the browser (issue 14): the secret
 * typed here derives the reply key and mailbox id (slow on purpose), the
 * look-up returns sealed replies (always the same size), and each is opened
 * only if it verifies as sent by a published recipient. Nothing typed or
 * read is put in a URL or storage; leaving the page wipes it.
 */
import { sealRequest } from '../../protocol/envelope.ts';
import { chooseKey, isKeyValid, keySetSchema, type KeySet } from '../../protocol/key-set.ts';
import { deriveReplyKeys, type ReplyKeys } from '../../protocol/reply-keys.ts';
import { normalizeReplySecret } from '../../protocol/reply-secret.ts';
import { lookupResponseSchema, openReply, ReplyError, type ReplyMessage, type ReplySenderPublicKey } from '../../protocol/reply.ts';
import { createRequest, type ReplyAddress } from '../../protocol/request.ts';
import { isLocale, defaultLocale, type Locale } from '../../protocol/locales.ts';

const root = document.querySelector<HTMLElement>('[data-reply-reader]');
if (root) enhance(root);

type Problem = 'format' | 'forged' | 'network' | 'rateLimited' | 'unavailable';

interface OpenedAnswer {
  id: string;
  kid: string;
  recipient: string;
  /** The municipalities the recipient serves (from the key set), the first for a follow-up. */
  serves: string[];
  message: ReplyMessage;
}

function enhance(root: HTMLElement): void {
  const data = root.dataset;
  const $ = <T extends HTMLElement>(selector: string) => root.querySelector<T>(selector)!;
  const form = $<HTMLFormElement>('[data-reply-form]');
  const input = $<HTMLInputElement>('[data-reply-secret]');
  const secretError = $('[data-reply-secret-error]');
  const status = $('[data-reply-status]');
  const errorBox = $('[data-reply-error]');
  const errorText = $('[data-reply-error-text]');
  const none = $('[data-reply-none]');
  const answers = $('[data-reply-answers]');
  const template = $<HTMLTemplateElement>('[data-reply-answer-template]');
  const writeBack = $<HTMLFormElement>('[data-write-back]');
  const writeBackText = $<HTMLTextAreaElement>('[data-write-back-text]');
  const writeBackError = $('[data-write-back-error]');
  const writeBackSent = $('[data-write-back-sent]');
  const locale: Locale = isLocale(data.locale) ? data.locale : defaultLocale;
  const names = JSON.parse(data.names ?? '{}') as Record<string, string>;
  const languageNames = JSON.parse(data.languageNames ?? '{}') as Record<string, string>;

  $('[data-reply-nojs]').hidden = true;
  form.hidden = false;

  // What this page holds while open; all of it goes on pagehide.
  let keys: ReplyKeys | null = null;
  let opened: OpenedAnswer[] = [];
  let wroteBack = false;
  let busy = false;

  const problemText: Record<Problem, string> = {
    format: data.msgFormat ?? '',
    forged: data.msgForged ?? '',
    network: data.msgNetwork ?? '',
    rateLimited: data.msgRateLimited ?? '',
    unavailable: data.msgUnavailable ?? '',
  };

  function reset(): void {
    errorBox.hidden = true;
    none.hidden = true;
    secretError.hidden = true;
    input.removeAttribute('aria-invalid');
    answers.replaceChildren();
    writeBack.hidden = true;
    writeBackSent.hidden = true;
    status.textContent = '';
  }

  function showProblem(problem: Problem): void {
    if (problem === 'format') {
      secretError.textContent = problemText.format;
      secretError.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    errorText.textContent = problemText[problem];
    errorBox.hidden = false;
    errorBox.focus();
  }

  function wipe(): void {
    input.value = '';
    writeBackText.value = '';
    keys = null;
    opened = [];
    answers.replaceChildren();
  }
  addEventListener('pagehide', wipe);

  let keySet: Promise<KeySet> | null = null;
  function loadKeySet(): Promise<KeySet> {
    keySet ??= fetch('/intake-keys.json', { cache: 'no-store', credentials: 'omit' })
      .then((res) => {
        if (!res.ok) throw new Error(`key set ${res.status}`);
        return res.json();
      })
      .then((json) => keySetSchema.parse(json))
      .catch((error: unknown) => {
        keySet = null;
        throw error;
      });
    return keySet;
  }

  async function post(path: string, body: unknown): Promise<Response> {
    return fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  }

  const fill = (template: string, values: Record<string, string>) =>
    template.replace(/\{(\w+)\}/g, (match, name: string) => values[name] ?? match);
  // Numbers read left to right inside right-to-left text.
  const isolate = (text: string) => `\u2066${text}\u2069`;

  function phraseText(phrase: ReplyMessage['phrases'][number]): string {
    const template = root.getAttribute(`data-phrase-${phrase.id}`) ?? '';
    if (phrase.id === 'could-not-reach') return fill(template, { phone: isolate(phrase.phone) });
    if (phrase.id === 'meet') return fill(template, { place: phrase.place });
    return template;
  }

  function render(answer: OpenedAnswer): HTMLElement {
    const article = (template.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
    const q = <T extends HTMLElement>(selector: string) => article.querySelector<T>(selector)!;
    q('[data-answer-from]').textContent = fill(data.msgFrom ?? '', { name: answer.serves.map((id) => names[id] ?? id).join(', ') || answer.recipient });
    q('[data-answer-about]').textContent = fill(data.msgAbout ?? '', {
      receipt: isolate(answer.message.receipt),
      date: isolate(answer.message.created),
    });
    const list = q('[data-answer-phrases]');
    for (const phrase of answer.message.phrases) {
      const item = document.createElement('li');
      item.textContent = phraseText(phrase);
      list.append(item);
    }
    list.hidden = answer.message.phrases.length === 0;
    if (answer.message.text) {
      const lang = answer.message.text.lang;
      q('[data-answer-text-block]').hidden = false;
      q('[data-answer-text-label]').textContent = fill(data.msgTextLabel ?? '', { language: languageNames[lang] ?? lang });
      const body = q('[data-answer-text]');
      body.textContent = answer.message.text.body;
      body.lang = lang;
      body.dir = lang === 'ar' || lang === 'fa' ? 'rtl' : 'ltr';
    }
    q('[data-answer-delete]').addEventListener('click', () => void deleteAnswer(answer, article));
    return article;
  }

  async function deleteAnswer(answer: OpenedAnswer, article: HTMLElement): Promise<void> {
    if (!keys || busy) return;
    busy = true;
    try {
      const res = await post('/api/reply/delete', { v: 1, mailbox: keys.mailbox, id: answer.id });
      if (res.status === 429) return showProblem('rateLimited');
      if (!res.ok) return showProblem('unavailable');
      opened = opened.filter((a) => a !== answer);
      const done = document.createElement('p');
      done.className = 'reply-reader__deleted';
      done.tabIndex = -1;
      done.textContent = data.msgDeleted ?? '';
      article.replaceWith(done);
      done.focus();
      if (opened.length === 0) writeBack.hidden = true;
    } catch {
      showProblem('network');
    } finally {
      busy = false;
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    reset();
    const secret = normalizeReplySecret(input.value);
    if (!secret) return showProblem('format');
    busy = true;
    status.textContent = data.msgWorking ?? '';
    try {
      let set: KeySet;
      let res: Response;
      try {
        [keys, set] = await Promise.all([deriveReplyKeys(secret), loadKeySet()]);
        res = await post('/api/reply/lookup', { v: 1, mailbox: keys.mailbox });
      } catch {
        return showProblem('network');
      }
      if (res.status === 429) return showProblem('rateLimited');
      if (res.status !== 200) return showProblem('unavailable');
      const parsed = lookupResponseSchema.safeParse(await res.json().catch(() => null));
      if (!parsed.success) return showProblem('unavailable');
      const senders = new Map<string, ReplySenderPublicKey>(set.keys.map((k) => [k.kid, { recipient: k.recipient, publicKey: k.publicKey }]));
      opened = [];
      let forged = false;
      for (const slot of parsed.data.replies.slice(0, parsed.data.count)) {
        try {
          const answer = await openReply(slot, keys, senders);
          const serves = set.recipients.find((r) => r.id === answer.recipient)?.serves ?? [];
          opened.push({ id: slot.id, kid: answer.kid, recipient: answer.recipient, serves, message: answer.message });
        } catch (error) {
          if (error instanceof ReplyError) forged = true;
          else throw error;
        }
      }
      status.textContent = '';
      // A reply that does not verify is never shown, and the person is told.
      if (forged) showProblem('forged');
      if (opened.length === 0) {
        if (!forged) {
          none.hidden = false;
          none.focus();
        }
        return;
      }
      answers.replaceChildren(...opened.map(render));
      writeBack.hidden = wroteBack;
      if (!forged) (answers.firstElementChild as HTMLElement).focus();
    } finally {
      busy = false;
      if (status.textContent === data.msgWorking) status.textContent = '';
    }
  });

  writeBack.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy || wroteBack || !keys || opened.length === 0) return;
    const message = writeBackText.value.replace(/\r\n?/g, '\n').trim();
    writeBackError.hidden = true;
    if (!message) {
      writeBackError.textContent = data.msgEmpty ?? '';
      writeBackError.hidden = false;
      writeBackText.focus();
      return;
    }
    const latest = opened[opened.length - 1]!;
    const reply: ReplyAddress = { publicKey: keys.publicKey, mailbox: keys.mailbox };
    busy = true;
    try {
      const set = await loadKeySet();
      // To the key that signed the answer while it is valid, else the same recipient's newest
      // (a recipient serves municipalities; the follow-up names the first it serves).
      const municipality = latest.serves[0];
      if (!municipality) return showProblem('unavailable');
      const sameKey = set.keys.find((k) => k.kid === latest.kid && k.recipient === latest.recipient && isKeyValid(k, new Date()));
      const key = sameKey ?? chooseKey({ ...set, recipients: set.recipients.filter((r) => r.id === latest.recipient) }, municipality);
      if (!key) return showProblem('unavailable');
      const followUp = createRequest({
        locale,
        role: 'unknown',
        municipality,
        needs: [],
        contact: { method: 'here', safeTimes: '', voicemailOk: false, mayNameSocialServices: false },
        language: '',
        interpreter: false,
        message,
        reply,
        followUpOf: latest.message.case,
      });
      const res = await post('/api/contact', await sealRequest(followUp, key));
      if (res.status === 429) return showProblem('rateLimited');
      if (res.status !== 202) return showProblem('unavailable');
      wroteBack = true;
      writeBackText.value = '';
      writeBack.hidden = true;
      writeBackSent.hidden = false;
      writeBackSent.focus();
    } catch {
      showProblem('network');
    } finally {
      busy = false;
    }
  });
}
