export interface PasswordCheck {
  matches: boolean;
  /** The hash is of an older algorithm or below the current parameters: re-hash after a success. */
  needsRehash: boolean;
}

export abstract class PasswordHasher {
  abstract hash(password: string): Promise<string>;
  abstract verify(hash: string, password: string): Promise<PasswordCheck>;
  /** Burns the same time as a real verification, for accounts that do not exist (AUTH-04). */
  abstract verifyDummy(password: string): Promise<void>;
}
