import { api, errorText } from '../api';
import type { Ctx, Screen } from '../app';
import { busy, formatDateTime, h, heading, say } from '../dom';
import type { Notification } from '../types';

/** The user's notices (2FA changes, backup codes running out, a replayed session…), newest first. */
export async function notificationsScreen(ctx: Ctx): Promise<Screen> {
  const list = await api.get<Notification[]>('/notifications');
  const message = h('div', { class: 'message' });
  const unread = list.filter((n) => !n.read_at).length;

  const markAll = h('button', { type: 'button' }, 'Mark all as read');
  markAll.addEventListener('click', () => {
    void busy(el, async () => {
      try {
        await api.post('/notifications/read');
        ctx.navigate('#/notifications');
      } catch (error) {
        say(message, 'error', errorText(error));
      }
    });
  });

  const items = list.map((n) => {
    const read = h('button', { type: 'button', class: 'link-button' }, 'Mark as read');
    read.addEventListener('click', () => {
      void busy(el, async () => {
        try {
          await api.post(`/notifications/${encodeURIComponent(n.id)}/read`);
          ctx.navigate('#/notifications');
        } catch (error) {
          say(message, 'error', errorText(error));
        }
      });
    });
    return h(
      'li',
      { class: n.read_at ? 'read' : 'unread' },
      h('p', {}, n.read_at ? '' : h('strong', {}, 'New: '), n.message),
      h('p', { class: 'meta' }, formatDateTime(n.created_at), n.read_at ? '' : ' · ', n.read_at ? '' : read),
    );
  });

  const el: HTMLElement = h(
    'section',
    { class: 'narrow' },
    heading('Notifications'),
    message,
    h('p', {}, unread ? `${unread} unread.` : 'Nothing unread.'),
    unread ? markAll : null,
    list.length ? h('ul', { class: 'notices' }, items) : h('p', {}, 'No notifications yet.'),
  );
  return { el };
}
