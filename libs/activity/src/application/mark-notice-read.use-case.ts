import { Injectable } from '@nestjs/common';
import { type Actor, Clock } from '@uyoop/shared';
import { NoticeNotFound } from '../domain/activity.errors';
import { Notices } from './ports/notices.port';

/** Marks one of the caller's notices read; another user's notice is as absent as an unknown one. */
@Injectable()
export class MarkNoticeRead {
  constructor(
    private readonly notices: Notices,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, noticeId: string): Promise<void> {
    if (!(await this.notices.markRead(actor.id, noticeId, this.clock.now()))) throw new NoticeNotFound();
  }
}
