/** Salted slow hashes for backup codes (argon2id; BC-02). */
export abstract class CodeHasher {
  abstract hash(code: string): Promise<string>;
  abstract matches(hash: string, code: string): Promise<boolean>;
}
