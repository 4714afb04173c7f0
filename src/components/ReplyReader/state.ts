/**
 * What the answer reader holds while the page is open, shared by its parts;
 * all of it goes on pagehide (reply-reader.ts).
 */
import type { ReplyKeys } from '../../../protocol/reply-keys.ts';
import type { ReplyMessage } from '../../../protocol/reply.ts';

export interface OpenedAnswer {
  id: string;
  kid: string;
  recipient: string;
  /** The municipalities the recipient serves (from the key set), the first for a follow-up. */
  serves: string[];
  message: ReplyMessage;
}

export interface ReaderState {
  /** The reply keys derived from the secret typed here. */
  keys: ReplyKeys | null;
  opened: OpenedAnswer[];
  /** The one written follow-up has been sent. */
  wroteBack: boolean;
  /** A request to the Worker is under way. */
  busy: boolean;
}

export function newReaderState(): ReaderState {
  return { keys: null, opened: [], wroteBack: false, busy: false };
}

/** `root.querySelector`, for elements the markup always has. */
export const part = <T extends HTMLElement>(root: ParentNode, selector: string): T => root.querySelector<T>(selector)!;
