/**
 * The one request/answer queue for Updates the main loop answers: the update
 * handler queues its request and waits; the process takes requests one at a
 * time (through `wait`), acts, writes the read model, then answers. A caller
 * therefore never sees an answer the read model does not show yet.
 */
import { condition } from '@temporalio/workflow';

export interface Pending<Q, A> {
  readonly request: Q;
  answer?: A;
}

export class Requests<Q, A> {
  private readonly items: Pending<Q, A>[] = [];
  private taken = 0;
  private answered = 0;

  /**
   * @param closed whether the process has finished (requests it did not answer are then answered by `onClosed`)
   * @param onClosed the answer for a request the process ended before answering
   */
  constructor(
    private readonly closed: () => boolean,
    private readonly onClosed: (request: Q) => A,
  ) {}

  /** The update handler's body: queue the request, wait for its answer. */
  readonly ask = async (request: Q): Promise<A> => {
    const item: Pending<Q, A> = { request };
    this.items.push(item);
    await condition(() => item.answer !== undefined || this.closed());
    return item.answer ?? this.onClosed(request);
  };

  /** Requests ever made (answered or not). */
  get count(): number {
    return this.items.length;
  }

  /** A request is waiting to be taken. */
  get waiting(): boolean {
    return this.items.length > this.taken;
  }

  /** A request was made that has no answer yet (taken or not): validators refuse a second one meanwhile. */
  get busy(): boolean {
    return this.items.length > this.answered;
  }

  take(): Pending<Q, A> {
    const item = this.items[this.taken];
    if (!item) throw new Error('no request is waiting');
    this.taken++;
    return item;
  }

  answer(item: Pending<Q, A>, answer: A): void {
    if (item.answer !== undefined) return;
    item.answer = answer;
    this.answered++;
  }
}
