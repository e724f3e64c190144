import { api, ApiError, errorText } from '../api';
import type { Screen } from '../app';
import { busy, field, h, heading, say } from '../dom';
import type { LoginResponse } from '../types';

/** Password, then — for accounts with 2FA — a TOTP or backup code against the `mfa_token`. */
export function signInScreen(onSignedIn: (res: LoginResponse) => void): Screen {
  const el = h('section', { class: 'narrow' });
  const message = h('div', { class: 'message' });

  const username = h('input', {
    name: 'username',
    autocomplete: 'username',
    required: true,
    autofocus: true,
  });
  const password = h('input', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const passwordForm = h(
    'form',
    { 'aria-label': 'Sign in', novalidate: true },
    field('Username', username),
    field('Password', password),
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );

  passwordForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!username.value.trim() || !password.value) {
      say(message, 'error', 'Enter your username and password.');
      return;
    }
    void busy(passwordForm, async () => {
      say(message, null);
      try {
        const res = await api.request<LoginResponse>('POST', '/login', {
          auth: false,
          body: { username: username.value.trim(), password: password.value },
        });
        password.value = '';
        if (res.data.requires_totp && res.data.mfa_token) showSecondStep(res.data.mfa_token);
        else onSignedIn(res.data);
      } catch (error) {
        say(message, 'error', errorText(error));
        password.focus();
      }
    });
  });

  function showSecondStep(mfaToken: string): void {
    const startOver = h('button', { type: 'button' }, 'Start over');
    const code = h('input', {
      name: 'code',
      autocomplete: 'one-time-code',
      inputmode: 'text',
      required: true,
      spellcheck: 'false',
    });
    const codeForm = h(
      'form',
      { 'aria-label': 'Two-factor code', novalidate: true },
      h('p', {}, 'Your account uses two-factor authentication.'),
      field(
        'Authentication code',
        code,
        'The 6-digit code from your authenticator app, or one of your backup codes.',
      ),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Verify'), startOver),
    );
    // Back to the password step, e.g. to sign in as someone else; the mfa_token is dropped.
    const backToPassword = (why?: string): void => {
      codeForm.replaceWith(passwordForm);
      say(message, why ? 'error' : null, why);
      password.focus();
    };
    startOver.addEventListener('click', () => backToPassword());
    codeForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = code.value.replace(/\s+/g, '');
      if (!value) {
        say(message, 'error', 'Enter the code from your authenticator app or a backup code.');
        return;
      }
      void busy(codeForm, async () => {
        say(message, null);
        try {
          const res = await api.request<LoginResponse>('POST', '/2fa/verify', {
            auth: false,
            body: { mfa_token: mfaToken, code: value },
          });
          onSignedIn(res.data);
        } catch (error) {
          // An expired or used-up mfa_token (5 minutes, a few attempts) cannot be retried: the
          // password step has to be passed again.
          if (isDeadMfaToken(error)) {
            backToPassword(
              'This sign-in expired or had too many wrong codes. Please enter your password again.',
            );
            return;
          }
          say(message, 'error', errorText(error));
          code.select();
        }
      });
    });
    passwordForm.replaceWith(codeForm);
    code.focus();
  }

  el.append(heading('Sign in to uyoop-cal'), message, passwordForm);
  return { el };
}

/** The API's 401 for an mfa_token that expired or ran out of attempts (not a wrong code). */
function isDeadMfaToken(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.status !== 401) return false;
  const code = (error.body as { code?: unknown } | null)?.code;
  return code === 'AUTH.INVALID_MFA_TOKEN' || /mfa_token/i.test(error.message);
}
