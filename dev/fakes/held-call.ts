// A call a fake API stops on its way (`before` or `after` its effect) until the test releases or
// drops it: how the fault tests reproduce "the request never arrived" and "the answer was lost".
import type { ServerResponse } from 'node:http';

export interface HeldCall<C> {
  /** Resolves with the call once it is stopped (for `after`: once its effect is stored). */
  readonly reached: Promise<C>;
  /** Resolves once the held call's client connection has closed (the client died). */
  readonly dropped: Promise<void>;
  /** Lets the call go on. */
  release(): void;
  /** Cuts the held call's connection without answering (the answer is lost on the way). */
  drop(): void;
}

/** A hold for the test, and `arrive`, which the fake awaits when the call gets there: 'drop' means answer nothing. */
export function holdCall<C>(): { hold: HeldCall<C>; arrive(call: C, res: ServerResponse): Promise<'go' | 'drop'> } {
  let reached!: (c: C) => void;
  let dropped!: () => void;
  let verdict!: (v: 'go' | 'drop') => void;
  const go = new Promise<'go' | 'drop'>((resolve) => (verdict = resolve));
  const hold: HeldCall<C> = {
    reached: new Promise((resolve) => (reached = resolve)),
    dropped: new Promise((resolve) => (dropped = resolve)),
    release: () => verdict('go'),
    drop: () => verdict('drop'),
  };
  return {
    hold,
    async arrive(call, res) {
      let gone = false;
      res.once('close', () => {
        gone = !res.writableEnded;
        if (gone) dropped();
      });
      reached(call);
      // A client that died while its request was held gets nothing, and (before) leaves nothing.
      if ((await go) === 'drop' || gone) {
        res.socket?.destroy();
        return 'drop';
      }
      return 'go';
    },
  };
}
