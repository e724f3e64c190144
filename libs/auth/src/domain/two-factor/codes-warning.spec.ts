import { backupCodesWarning } from './codes';

describe('backupCodesWarning (BC-06)', () => {
  it('says nothing while plenty are left, counts what is left, and names the last one', () => {
    expect(backupCodesWarning(4)).toBeNull();
    expect(backupCodesWarning(3)).toBe(
      'Only 3 backup codes left. Generate new ones with POST /2fa/backup-codes.',
    );
    expect(backupCodesWarning(1)).toBe(
      'Only 1 backup code left. Generate new ones with POST /2fa/backup-codes.',
    );
    expect(backupCodesWarning(0)).toBe(
      'That was your last backup code. Generate new ones with POST /2fa/backup-codes.',
    );
  });
});
