import { Injectable } from '@nestjs/common';
import { dictionary } from '@zxcvbn-ts/language-common';
import { CommonPasswordList } from '../../application/ports/common-password-list.port';

/**
 * The ~49k most common passwords shipped with zxcvbn-ts (`@zxcvbn-ts/language-common`, MIT),
 * loaded on first use.
 */
@Injectable()
export class BundledCommonPasswords extends CommonPasswordList {
  private set: Set<string> | undefined;

  contains(lowercased: string): boolean {
    this.set ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
    return this.set.has(lowercased);
  }
}
