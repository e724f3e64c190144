import { Injectable } from '@nestjs/common';
import type { Actor } from '@uyoop/shared';
import type { Notification } from '../domain/notices';
import { Notices } from './ports/notices.port';

/** At most this many notices per answer, newest first. */
export const MAX_NOTICES = 100;

/** The caller's own notices about their account's security (MFA-08). */
@Injectable()
export class ListNotices {
  constructor(private readonly notices: Notices) {}

  execute(actor: Actor, opts: { unreadOnly: boolean }): Promise<Notification[]> {
    return this.notices.list(actor.id, { unreadOnly: opts.unreadOnly, limit: MAX_NOTICES });
  }
}
