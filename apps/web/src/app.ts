import type { User } from './types';

/** What every screen gets from the shell. */
export interface Ctx {
  readonly user: User;
  /** A message shown at the top of the next screen (or this one, when `now`). */
  flash(kind: 'info' | 'success' | 'warning' | 'error', message: string): void;
  navigate(hash: string): void;
}

/** A rendered screen; `destroy` releases what it holds (timers, the calendar). */
export interface Screen {
  el: HTMLElement;
  /** Called once `el` is in the document. */
  mounted?(): void;
  destroy?(): void;
}
