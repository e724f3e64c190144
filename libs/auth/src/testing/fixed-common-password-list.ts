import { CommonPasswordList } from '../application/ports/common-password-list.port';

/** A small common-password list for tests; `contains` receives the lower-cased password. */
export class FixedCommonPasswordList extends CommonPasswordList {
  private readonly words: Set<string>;

  constructor(words: Iterable<string> = ['passwordpassword', 'qwertyuiop123', 'sunshine', 'iloveyou']) {
    super();
    this.words = new Set([...words].map((w) => w.toLowerCase()));
  }

  contains(lowercased: string): boolean {
    return this.words.has(lowercased);
  }
}
