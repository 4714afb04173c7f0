/**
 * The request page (issue 19): GET /api/r/:ref (ciphertext), opened here
 * with the recipient key of its kid, read leniently, and rendered with the
 * same hono/html functions as the server's pages (requestContent). The
 * thread's write-backs are checked here (review N3): a proof that verifies
 * with the case's reply key is the person's; one that does not is shown as
 * its own entry, marked. Notes are opened by generation; old notes say they
 * can be read once the keys are moved. Then the forms: notes, export, reply.
 */
import type { ContactRequest } from '../../../protocol/request.ts';
import type { ReplyMessage } from '../../../protocol/reply.ts';
import { requestContent, requestFault, type NoteView, type PageContext, type RequestPageData, type ThreadEntry } from '../inbox/pages.ts';
import type { OpenedRequest } from '../opened-request.ts';
import type { Box } from '../team-vault/sealed-box.ts';
import { openNote, sealNote } from '../team-vault/notes.ts';
import { openRecord } from '../team-vault/records.ts';
import { startExport } from './export.ts';
import { showFormError, type OpenedPage } from './opened-page.ts';
import { ApiError, getJson, postJson } from './http.ts';
import { OpenError, openStored, ringOf } from './open-request.ts';
import { fill, pageContext, pageData } from './page-words.ts';
import { startReplyForm } from './reply-form.ts';
import { unlockedVault, type UnlockedVault } from './session-vault.ts';
import { linkWriteBack, provesSamePerson } from './cases.ts';

/** GET /api/r/:ref (the shared design). */
export interface RequestAnswer {
  ref: string;
  envelope: unknown;
  thread: { ref: string; receivedAt: number; envelope: unknown }[];
  notes: (
    | { id: number | string; at: number; authorId: number | null; gen: number; box: Box }
    | { id: number | string; at: number; authorId: number | null; gen: null; legacy: true }
  )[];
  replies: {
    id: string;
    writtenAt: number;
    state: string;
    problem: string | null;
    gen: number | null;
    box?: Box;
    authorId?: number | null;
  }[];
}

/** A staff member's name by id; `null`: written from the command line; not given: unknown ('?'). */
const nameOf = (data: RequestPageData, id: number | null | undefined, ifNull: string) =>
  id === null ? ifNull : id === undefined ? '?' : (data.staffNames[String(id)] ?? '?');

async function openThread(answer: RequestAnswer, original: ContactRequest | null, vault: UnlockedVault): Promise<ThreadEntry[]> {
  const ring = ringOf(vault);
  const entries: ThreadEntry[] = [];
  for (const entry of answer.thread) {
    let request: ContactRequest | null;
    try {
      request = (await openStored(entry.envelope, ring)).request;
    } catch {
      request = null;
    }
    if (!request) continue;
    entries.push({ at: entry.receivedAt, message: request.message, unconfirmed: !(await provesSamePerson(original, request)) });
  }
  return entries;
}

async function openNotes(answer: RequestAnswer, data: RequestPageData, vault: UnlockedVault, t: PageContext['t']): Promise<NoteView[]> {
  return Promise.all(
    answer.notes.map(async (note) => {
      const author = nameOf(data, note.authorId, '?');
      const keys = note.gen === null ? undefined : vault.generations.get(note.gen);
      if (note.gen === null || !keys || !('box' in note)) return { at: note.at, author, text: null };
      try {
        return { at: note.at, author, text: await openNote(keys, answer.ref, note.box) };
      } catch {
        return { at: note.at, author, text: t.faultDamaged };
      }
    }),
  );
}

async function openReplies(answer: RequestAnswer, data: RequestPageData, vault: UnlockedVault, ctx: PageContext) {
  return Promise.all(
    answer.replies.map(async (reply) => {
      const keys = reply.gen === null ? undefined : vault.generations.get(reply.gen);
      let message: ReplyMessage | null = null;
      if (keys && reply.box) {
        try {
          message = ((await openRecord(keys, answer.ref, reply.id, reply.box)) as { message: ReplyMessage }).message;
        } catch {
          message = null;
        }
      }
      return {
        id: reply.id,
        at: reply.writtenAt,
        author: nameOf(data, reply.authorId, ctx.t.replyByCli),
        state: reply.state,
        problem: reply.problem,
        message,
      };
    }),
  );
}

/** An unlinked write-back: linked to its case when its proof verifies, else marked "could not be confirmed". */
async function checkWriteBack(page: OpenedPage, slot: Element): Promise<void> {
  const request = page.opened.request;
  if (!request?.followUpOf || page.data.row.followUpOf !== null) return;
  const caseRef = await linkWriteBack(page.data.row.ref, request, page.vault).catch(() => null);
  const note = document.createElement('p');
  if (caseRef) {
    note.className = 'flash ok';
    note.setAttribute('role', 'status');
    const link = document.createElement('a');
    link.href = `/r/${encodeURIComponent(caseRef)}#thread`;
    link.textContent = page.ctx.t.open;
    note.append(`${page.ctx.t.followUpLinked} `, link);
  } else {
    note.className = 'flash error';
    note.textContent = page.ctx.t.followUpUnconfirmed;
  }
  slot.prepend(note);
}

export async function startRequestPage(): Promise<void> {
  const slot = document.getElementById('request-app');
  const found = pageData();
  if (!slot || found?.kind !== 'request') return;
  const data = found;
  const ctx = pageContext();
  const vault = await unlockedVault();
  // Without an unlocked vault the unlock step shows itself; say here why nothing opens.
  if (!vault) {
    const access = await getJson<{ grant: unknown }>('/api/vault').catch(() => ({ grant: null }));
    return fill(slot, requestFault(ctx, access.grant ? 'noKey' : 'noAccess'));
  }
  let answer: RequestAnswer;
  try {
    answer = await getJson<RequestAnswer>(`/api/r/${encodeURIComponent(data.row.ref)}`);
  } catch (error) {
    return fill(slot, requestFault(ctx, error instanceof ApiError && error.status === 403 ? 'noAccess' : 'failed'));
  }
  let opened: OpenedRequest;
  try {
    opened = await openStored(answer.envelope, ringOf(vault));
  } catch (error) {
    return fill(slot, requestFault(ctx, error instanceof OpenError ? error.fault : 'damaged'));
  }
  const [notes, sent, thread] = await Promise.all([
    openNotes(answer, data, vault, ctx.t),
    openReplies(answer, data, vault, ctx),
    openThread(answer, opened.request, vault),
  ]);
  await fill(slot, requestContent(ctx, data.row, opened, notes, { ...data.replies, sent }, thread));
  const receipt = document.querySelector('[data-slot="receipt"]');
  if (receipt) receipt.textContent = opened.request?.receipt ?? '';
  const page: OpenedPage = { ctx, data, vault, opened, notes, thread };
  startNoteForm(page, slot);
  startExport(page, slot);
  startReplyForm(page, slot);
  await checkWriteBack(page, slot).catch(() => undefined);
}

/** A note: sealed here with the newest generation, then POST /api/r/:ref/notes; the page reloads to show it. */
function startNoteForm(page: OpenedPage, slot: Element): void {
  const form = slot.querySelector<HTMLFormElement>('form[data-form="note"]');
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    const field = form.querySelector<HTMLTextAreaElement>('textarea[name="note"]');
    const text = field?.value.trim().slice(0, 4000) ?? '';
    if (!text) return;
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    void (async () => {
      try {
        const box = await sealNote(page.vault.latest, page.data.row.ref, text);
        await postJson(`/api/r/${encodeURIComponent(page.data.row.ref)}/notes`, { gen: page.vault.gen, box });
        location.assign(`/r/${encodeURIComponent(page.data.row.ref)}?m=noteSaved#notes`);
      } catch {
        showFormError(form, page.ctx.t.faultSave);
        if (button) button.disabled = false;
      }
    })();
  });
}
