import { contactHooks } from './hooks.ts';
import { is } from '../hooks.ts';

/** "N characters left" under the message, kept up to date as the person types. */
export function messageCounter(form: HTMLFormElement): { update(): void } {
  const message = form.querySelector<HTMLTextAreaElement>('#message')!;
  const counter = form.querySelector<HTMLElement>(is(contactHooks.messageCountOutput))!;
  const update = () => {
    const left = message.maxLength - message.value.length;
    counter.textContent = (form.dataset.messageCount ?? '').replace('{count}', String(left)).replace('{max}', String(message.maxLength));
  };
  message.addEventListener('input', update);
  update();
  return { update };
}
