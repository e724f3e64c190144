import { Acl, DEFAULT_POLICY_TEXT, parsePolicy, type PathRule } from './acl';
import { DEFAULT_POLICY, ROOT_POLICY } from './types';

interface StoredPolicy {
  raw: string;
  rules: PathRule[];
}

/** ACL policies by (lower-case) name. `root` is implicit and never stored. */
export class PolicyStore {
  private readonly policies = new Map<string, StoredPolicy>();

  constructor() {
    this.set(DEFAULT_POLICY, DEFAULT_POLICY_TEXT);
  }

  /** Parses and stores; throws PolicyParseError on bad text. */
  set(name: string, raw: string): void {
    this.policies.set(name, { raw, rules: parsePolicy(raw) });
  }

  get(name: string): string | undefined {
    return this.policies.get(name)?.raw;
  }

  delete(name: string): void {
    this.policies.delete(name);
  }

  names(): string[] {
    return [...this.policies.keys()].sort();
  }

  /** The merged ACL of a token's policies, or 'root' for a root token. Unknown names are skipped. */
  aclFor(names: readonly string[]): Acl | 'root' {
    if (names.includes(ROOT_POLICY)) return 'root';
    return new Acl(names.flatMap((n) => this.policies.get(n)?.rules ?? []));
  }
}
