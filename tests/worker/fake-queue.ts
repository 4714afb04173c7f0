/** A queue message and batch as the consumer sees them, recording what it did: for the queue consumer's tests. */
export interface FakeMessage {
  id: string;
  body: unknown;
  attempts: number;
  timestamp: Date;
  acked: boolean;
  retriedWith: { delaySeconds?: number } | undefined;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

export function message(body: unknown, attempts = 1): FakeMessage {
  return {
    id: crypto.randomUUID(),
    body,
    attempts,
    timestamp: new Date(),
    acked: false,
    retriedWith: undefined,
    ack() {
      this.acked = true;
    },
    retry(options) {
      this.retriedWith = options ?? {};
    },
  };
}

export function batch(messages: FakeMessage[]): MessageBatch<unknown> {
  return { queue: 'utvag-intake', messages, ackAll() {}, retryAll() {} } as unknown as MessageBatch<unknown>;
}
