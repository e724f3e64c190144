import { Injectable } from '@nestjs/common';
import { type Actor, Clock } from '@uyoop/shared';
import { Notices } from './ports/notices.port';

/** Marks every unread notice of the caller read; the answer is how many were unread. */
@Injectable()
export class MarkAllNoticesRead {
  constructor(
    private readonly notices: Notices,
    private readonly clock: Clock,
  ) {}

  execute(actor: Actor): Promise<number> {
    return this.notices.markAllRead(actor.id, this.clock.now());
  }
}
