import { Injectable } from '@nestjs/common';
import { type Freeze, FreezeRepository } from './ports/freeze-repository.port';

/** The freeze (blackout) periods, of one environment or all; everyone may see them. */
@Injectable()
export class ListFreezes {
  constructor(private readonly freezes: FreezeRepository) {}

  execute(environment?: string): Promise<Freeze[]> {
    return this.freezes.list(environment);
  }
}
