import { type Freeze, FreezeRepository } from '../application/ports/freeze-repository.port';

const copy = (f: Freeze): Freeze => ({
  ...f,
  start: new Date(f.start.getTime()),
  end: new Date(f.end.getTime()),
  createdAt: new Date(f.createdAt.getTime()),
});

/** FreezeRepository in memory, with the contract of TypeOrmFreezeRepository. */
export class InMemoryFreezeRepository extends FreezeRepository {
  private readonly rows = new Map<string, Freeze>();

  async add(freeze: Freeze): Promise<void> {
    if (this.rows.has(freeze.id)) throw new Error(`duplicate freeze id ${freeze.id}`);
    this.rows.set(freeze.id, copy(freeze));
  }

  async remove(id: string): Promise<boolean> {
    return this.rows.delete(id);
  }

  /** Ordered by start, at most 1000. */
  async list(environment: string | undefined): Promise<Freeze[]> {
    return this.all()
      .filter((f) => environment === undefined || f.environment === environment)
      .sort((a, b) => a.start.getTime() - b.start.getTime())
      .slice(0, 1000);
  }

  /** Overlapping [start, end), latest end first. */
  async overlapping(environment: string | undefined, start: Date, end: Date): Promise<Freeze[]> {
    return this.all()
      .filter((f) => environment === undefined || f.environment === environment)
      .filter((f) => f.start.getTime() < end.getTime() && start.getTime() < f.end.getTime())
      .sort((a, b) => b.end.getTime() - a.end.getTime());
  }

  /** Every stored freeze, as copies (tests only). */
  all(): Freeze[] {
    return [...this.rows.values()].map(copy);
  }
}
