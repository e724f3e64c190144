import { UnitOfWork } from '../unit-of-work';

/** For use-case tests over in-memory fakes: runs the work, counting the units it was asked for. */
export class ImmediateUnitOfWork extends UnitOfWork {
  runs = 0;

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.runs += 1;
    return work();
  }
}
