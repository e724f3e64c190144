import 'fullcalendar/skeleton.css';
import 'fullcalendar/themes/classic/theme.css';
import 'fullcalendar/themes/classic/palette.css';
import './styles.css';
import { api, errorText, tokenStore } from './api';
import type { Ctx, Screen } from './app';
import { h, notice } from './dom';
import { ROLE_LABELS, type LoginResponse, type Notification, type User } from './types';
import { calendarScreen } from './views/calendar';
import { dashboardScreen } from './views/dashboard';
import { eventDetailsScreen } from './views/event-details';
import { eventFormScreen } from './views/event-form';
import { notificationsScreen } from './views/notifications';
import { signInScreen } from './views/sign-in';
import { twoFactorScreen } from './views/two-factor';

const main = document.getElementById('main') as HTMLElement;
const top = document.getElementById('top') as HTMLElement;

let user: User | null = null;
let current: Screen | null = null;
let pending: { kind: 'info' | 'success' | 'warning' | 'error'; message: string }[] = [];
let renderSeq = 0;

const ctx = (u: User): Ctx => ({
  user: u,
  flash: (kind, message) => pending.push({ kind, message }),
  navigate,
});

function navigate(hash: string): void {
  if (location.hash === hash) void route();
  else location.hash = hash;
}

api.onSessionEnded = (reason) => {
  user = null;
  pending.push({ kind: 'info', message: reason });
  navigate('#/signin');
};

const NAV: [string, string][] = [
  ['#/calendar', 'Calendar'],
  ['#/new', 'New event'],
  ['#/dashboard', 'Dashboard'],
  ['#/notifications', 'Notifications'],
  ['#/security', 'Two-factor'],
];

function renderHeader(path: string, unread: number): void {
  if (!user) {
    top.replaceChildren(h('p', { class: 'brand' }, 'uyoop-cal'));
    return;
  }
  const signOut = h(
    'button',
    { type: 'button', class: 'link-button', 'data-testid': 'sign-out' },
    'Sign out',
  );
  signOut.addEventListener('click', () => {
    void api.logout().then(() => {
      user = null;
      pending.push({ kind: 'info', message: 'You are signed out.' });
      navigate('#/signin');
    });
  });
  top.replaceChildren(
    h('a', { class: 'brand', href: '#/calendar' }, 'uyoop-cal'),
    h(
      'nav',
      { 'aria-label': 'Main' },
      h(
        'ul',
        {},
        NAV.map(([href, label]) =>
          h(
            'li',
            {},
            h(
              'a',
              { href, 'aria-current': path.startsWith(href.slice(1)) ? 'page' : null },
              label,
              href === '#/notifications' && unread > 0
                ? h('span', { class: 'badge', 'aria-label': `${unread} unread` }, String(unread))
                : null,
            ),
          ),
        ),
      ),
    ),
    h(
      'p',
      { class: 'who' },
      h('span', { 'data-testid': 'whoami' }, `${user.username} · ${ROLE_LABELS[user.role]}`),
      ' ',
      signOut,
    ),
  );
}

async function screenFor(path: string, u: User): Promise<Screen> {
  const c = ctx(u);
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'calendar':
      return calendarScreen(c, parts[1]);
    case 'new':
      return eventFormScreen(c, null);
    case 'events':
      if (parts[1] && parts[2] === 'edit') return eventFormScreen(c, parts[1]);
      if (parts[1]) return eventDetailsScreen(c, parts[1]);
      break;
    case 'dashboard':
      return dashboardScreen(c);
    case 'notifications':
      return notificationsScreen(c);
    case 'security':
      return twoFactorScreen(c);
  }
  return {
    el: h('section', {}, h('h1', { tabindex: -1 }, 'Not found'), h('p', {}, 'There is no such page.')),
  };
}

async function route(): Promise<void> {
  const hash = location.hash;
  if (hash && !hash.startsWith('#/')) return; // an in-page anchor
  const seq = ++renderSeq;
  let path = hash.slice(1) || '/calendar';
  if (!user && tokenStore.get()) {
    try {
      user = await api.get<User>('/users/me');
    } catch (error) {
      if (tokenStore.get()) pending.push({ kind: 'error', message: errorText(error) });
    }
  }
  if (!user && path !== '/signin') {
    navigate('#/signin');
    return;
  }
  if (user && path === '/signin') path = '/calendar';

  current?.destroy?.();
  current = null;
  let screen: Screen;
  if (!user) {
    renderHeader(path, 0);
    screen = signInScreen(onSignedIn);
  } else {
    const u = user;
    const unread = api
      .get<Notification[]>('/notifications?unread=true')
      .then((list) => list.length)
      .catch(() => 0);
    try {
      screen = await screenFor(path, u);
    } catch (error) {
      screen = {
        el: h(
          'section',
          {},
          h('h1', { tabindex: -1 }, 'Something went wrong'),
          notice('error', errorText(error)),
        ),
      };
    }
    if (seq !== renderSeq || !user) {
      screen.destroy?.();
      return;
    }
    renderHeader(path, await unread);
  }
  if (seq !== renderSeq) {
    screen.destroy?.();
    return;
  }
  const flashes = pending.map((p) => notice(p.kind, p.message));
  pending = [];
  main.replaceChildren(...(flashes.length ? [h('div', { class: 'flashes' }, flashes)] : []), screen.el);
  current = screen;
  screen.mounted?.();
  const heading = screen.el.querySelector('h1');
  if (heading && document.activeElement !== document.body) heading.focus();
  document.title = `${heading?.textContent ?? 'uyoop-cal'} · uyoop-cal`;
}

function onSignedIn(res: LoginResponse): void {
  if (!res.access_token || !res.refresh_token || !res.user) return;
  tokenStore.set({ access_token: res.access_token, refresh_token: res.refresh_token });
  user = res.user;
  if (res.warning) pending.push({ kind: 'warning', message: res.warning });
  navigate('#/calendar');
}

document.querySelector('[data-skip]')?.addEventListener('click', (event) => {
  event.preventDefault();
  (main.querySelector('h1') ?? main).focus();
});
window.addEventListener('hashchange', () => void route());
void route();
