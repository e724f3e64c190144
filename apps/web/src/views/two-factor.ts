import { api, errorText } from '../api';
import type { Ctx, Screen } from '../app';
import { busy, field, h, heading, notice, say } from '../dom';
import type { TwoFactorStatus } from '../types';

/** 2FA settings: status, enrolment (QR code + otpauth URL, first code), backup codes, disabling. */
export async function twoFactorScreen(ctx: Ctx): Promise<Screen> {
  const status = await api.get<TwoFactorStatus>('/2fa/status');
  const message = h('div', { class: 'message' });
  const body = h('div', {});
  const el = h('section', { class: 'narrow' }, heading('Two-factor authentication'), message, body);

  const codeInput = (name: string): HTMLInputElement =>
    h('input', {
      name,
      autocomplete: 'one-time-code',
      inputmode: 'numeric',
      required: true,
      spellcheck: 'false',
    });

  /** A small form asking for a code, then calling `action` with it. */
  function codeForm(
    label: string,
    button: string,
    hint: string,
    action: (code: string) => Promise<void>,
    danger = false,
  ): HTMLFormElement {
    const input = codeInput('code');
    const form = h(
      'form',
      { novalidate: true, 'aria-label': button },
      field(label, input, hint),
      h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, button),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const code = input.value.replace(/\s+/g, '');
      if (!code) return say(message, 'error', 'Enter a code.');
      void busy(form, async () => {
        say(message, null);
        try {
          await action(code);
        } catch (error) {
          say(message, 'error', errorText(error));
          input.select();
        }
      });
    });
    return form;
  }

  function showStatus(s: TwoFactorStatus): void {
    const summary = h(
      'p',
      { 'data-testid': '2fa-status' },
      s.enabled
        ? `Two-factor authentication is on. ${s.backup_codes_remaining} backup code${s.backup_codes_remaining === 1 ? '' : 's'} left.`
        : 'Two-factor authentication is off.',
    );
    if (!s.enabled) {
      const setup = h('button', { type: 'button', class: 'primary' }, 'Set up two-factor authentication');
      setup.addEventListener('click', () => {
        void busy(body, async () => {
          say(message, null);
          try {
            showSetup(await api.post<{ qr_code: string; otpauth_url: string }>('/2fa/setup'));
          } catch (error) {
            say(message, 'error', errorText(error));
          }
        });
      });
      body.replaceChildren(summary, h('p', {}, 'You will need an authenticator app (TOTP).'), setup);
      return;
    }
    body.replaceChildren(
      summary,
      s.backup_codes_remaining <= 3
        ? notice('warning', 'You are running out of backup codes: make new ones.')
        : '',
      h('h2', {}, 'New backup codes'),
      h('p', {}, 'Makes 10 new backup codes; the old ones stop working.'),
      codeForm(
        'Code from your app',
        'Make new backup codes',
        'A current code from your authenticator app, or a backup code.',
        async (code) => {
          const res = await api.post<{ backup_codes: string[] }>('/2fa/backup-codes', { code });
          showCodes(res.backup_codes);
        },
      ),
      h('h2', {}, 'Turn off'),
      codeForm(
        'Code to turn two-factor authentication off',
        'Turn off two-factor authentication',
        'A current code from your authenticator app, or a backup code.',
        async (code) => {
          await api.delete('/2fa/disable', { code });
          ctx.flash('success', 'Two-factor authentication is off.');
          ctx.navigate('#/security');
        },
        true,
      ),
    );
  }

  function showSetup(setup: { qr_code: string; otpauth_url: string }): void {
    const url = h('code', { class: 'otpauth', 'data-testid': 'otpauth-url' }, setup.otpauth_url);
    const copy = copyButton('Copy the setup address', () => setup.otpauth_url);
    body.replaceChildren(
      h('h2', {}, '1. Scan the QR code'),
      h('img', {
        src: setup.qr_code,
        alt: 'QR code to add uyoop-cal to your authenticator app',
        class: 'qr',
        width: 200,
        height: 200,
        'data-testid': 'qr-code',
      }),
      h('p', {}, 'Or enter this address in your app:'),
      h('p', {}, url, ' ', copy),
      h('h2', {}, '2. Confirm with a code'),
      codeForm(
        'Code from your app',
        'Turn on two-factor authentication',
        'The 6-digit code your app shows now.',
        async (code) => {
          const res = await api.post<{ enabled: boolean; backup_codes: string[] }>('/2fa/enable', { code });
          showCodes(res.backup_codes, 'Two-factor authentication is on.');
        },
      ),
    );
    (body.querySelector('input') as HTMLInputElement | null)?.focus();
  }

  function showCodes(codes: string[], intro?: string): void {
    const text = `uyoop-cal backup codes (${ctx.user.username}) — each works once\n\n${codes.join('\n')}\n`;
    const download = h(
      'a',
      { class: 'button', download: 'uyoop-cal-backup-codes.txt', href: '#' },
      'Download',
    );
    download.addEventListener('click', () => {
      const blobUrl = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
      download.setAttribute('href', blobUrl);
      setTimeout(() => URL.revokeObjectURL(blobUrl), 10_000);
    });
    const done = h('button', { type: 'button', class: 'primary' }, 'I have saved them');
    done.addEventListener('click', () => {
      void api
        .get<TwoFactorStatus>('/2fa/status')
        .then(showStatus, (e: unknown) => say(message, 'error', errorText(e)));
    });
    body.replaceChildren(
      intro ? notice('success', intro) : '',
      h('h2', { tabindex: -1, id: 'codes-title' }, 'Your backup codes'),
      notice(
        'warning',
        'They are shown only now. Keep them somewhere safe: each one signs you in once if you lose your phone.',
      ),
      h(
        'ol',
        { class: 'codes', 'data-testid': 'backup-codes', 'aria-labelledby': 'codes-title' },
        codes.map((c) => h('li', {}, h('code', {}, c))),
      ),
      h(
        'div',
        { class: 'actions' },
        copyButton('Copy', () => codes.join('\n')),
        download,
        done,
      ),
    );
    (body.querySelector('#codes-title') as HTMLElement | null)?.focus();
  }

  function copyButton(label: string, value: () => string): HTMLButtonElement {
    const button = h('button', { type: 'button' }, label);
    button.addEventListener('click', () => {
      const clipboard = (navigator as { clipboard?: Clipboard }).clipboard;
      if (!clipboard)
        return say(message, 'error', 'Copying is not allowed here: select the text and copy it by hand.');
      clipboard.writeText(value()).then(
        () => say(message, 'success', 'Copied.'),
        () => say(message, 'error', 'Copying is not allowed here: select the text and copy it by hand.'),
      );
    });
    return button;
  }

  showStatus(status);
  return { el };
}
