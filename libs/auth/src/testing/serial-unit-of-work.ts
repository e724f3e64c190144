import { AsyncLocalStorage } from 'node:async_hooks';
import { UnitOfWork } from '@uyoop/shared';

/**
 * A unit of work that runs one unit at a time, like transactions holding the same rows (the
 * active ADMINs' rows that `countActiveAdmins` locks): a unit started while another runs waits for
 * it to end. A unit inside a unit joins it (a savepoint). Nothing is rolled back.
 */
export class SerialUnitOfWork extends UnitOfWork {
  runs = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly inside = new AsyncLocalStorage<true>();

  run<T>(work: () => Promise<T>): Promise<T> {
    this.runs += 1;
    if (this.inside.getStore()) return work();
    const result = this.tail.then(() => this.inside.run(true, work));
    this.tail = result.catch(() => undefined);
    return result;
  }
}
