import { Injectable } from '@nestjs/common';
import { assertRange } from '../domain/event-range';
import { EventRepository } from './ports/event-repository.port';

/** Overlapping deployment windows on the same environment, pairwise, inside [from, to) (VAL-03, VAL-04). */
@Injectable()
export class ListConflicts {
  constructor(private readonly events: EventRepository) {}

  async execute(from: Date, to: Date): Promise<{ a: string; b: string; environment: string }[]> {
    assertRange(from, to);
    return this.events.findConflictPairs(from, to);
  }
}
