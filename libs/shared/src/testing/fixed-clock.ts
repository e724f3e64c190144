import { Clock } from '../clock';

export class FixedClock extends Clock {
  constructor(private current: Date = new Date('2026-03-02T09:00:00Z')) {
    super();
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(to: Date): void {
    this.current = new Date(to.getTime());
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
