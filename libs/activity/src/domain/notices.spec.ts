import { AUDIT_ACTIONS } from '@uyoop/shared';
import { notificationFor } from './notices';

const USER = '7d4f8a52-0c8e-4f7a-9a8e-2b7c1d9e6f01';
const ADMIN = '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d';

describe('notificationFor (MFA-08)', () => {
  it('tells the affected user, not the actor, and says when an administrator acted', () => {
    expect(
      notificationFor({
        action: 'user_password_changed',
        actorId: ADMIN,
        targetType: 'user',
        targetId: USER,
      }),
    ).toEqual({
      userId: USER,
      kind: 'password_changed',
      message: 'Your password was changed by an administrator.',
      details: { ip: null },
    });
    expect(
      notificationFor({ action: 'user_password_changed', actorId: USER, targetType: 'user', targetId: USER })
        ?.message,
    ).toBe('Your password was changed.');
  });

  it('stays silent for entries about other things, or without a user target', () => {
    const silent = AUDIT_ACTIONS.filter(
      (action) => notificationFor({ action, actorId: USER, targetType: 'user', targetId: USER }) === null,
    );
    expect(silent).toContain('login_succeeded');
    expect(silent).toContain('event_created');
    expect(
      notificationFor({ action: 'two_factor_enabled', actorId: USER, targetType: 'session', targetId: 'x' }),
    ).toBeNull();
  });

  it('BC-06: a spent backup code is a notice only when two-factor attached a warning', () => {
    const used = (details: Record<string, unknown>) =>
      notificationFor({
        action: 'backup_code_used',
        actorId: USER,
        targetType: 'user',
        targetId: USER,
        details,
      });
    expect(used({ remaining: 4 })).toBeNull();
    expect(used({ remaining: 3, warning: 'Only 3 backup codes left.' })).toMatchObject({
      kind: 'backup_codes_low',
      message: 'A backup code was used to sign in. Only 3 backup codes left.',
      details: { remaining: 3 },
    });
  });
});
