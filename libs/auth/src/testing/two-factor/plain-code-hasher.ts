import { CodeHasher } from '../../application/two-factor/ports/code-hasher.port';

/** A transparent "hash" for use-case tests (`plain:<code>`), counting the work asked of it. */
export class PlainCodeHasher extends CodeHasher {
  hashed = 0;
  compared = 0;

  async hash(code: string): Promise<string> {
    this.hashed += 1;
    return `plain:${code}`;
  }

  async matches(hash: string, code: string): Promise<boolean> {
    this.compared += 1;
    return hash === `plain:${code}`;
  }
}
