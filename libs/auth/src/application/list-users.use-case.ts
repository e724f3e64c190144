import { Injectable } from '@nestjs/common';
import type { User } from '../domain/user';
import { UserRepository } from './ports/user-repository.port';

/** Every user; which fields a caller sees is the HTTP edge's business (ADMIN sees more). */
@Injectable()
export class ListUsers {
  constructor(private readonly users: UserRepository) {}

  execute(): Promise<User[]> {
    return this.users.list();
  }
}
