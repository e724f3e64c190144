import { newBackupCodes, normaliseBackupCode } from '../../domain/two-factor/codes';
import type { CodeHasher } from './ports/code-hasher.port';

/** Ten new backup codes to show once, and their hashes to store (hashed in their normalised form). */
export async function issueBackupCodes(hasher: CodeHasher): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = newBackupCodes();
  const hashes = await Promise.all(codes.map((c) => hasher.hash(normaliseBackupCode(c)!)));
  return { codes, hashes };
}
