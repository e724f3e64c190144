import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BootstrapAdmin } from '../application/bootstrap-admin.use-case';
import { CreateAdmin } from '../application/create-admin.use-case';
import { CommonPasswordList } from '../application/ports/common-password-list.port';
import { PasswordHasher } from '../application/ports/password-hasher.port';
import { UserRepository } from '../application/ports/user-repository.port';
import { VerifyCredentials } from '../application/verify-credentials.use-case';
import { Argon2PasswordHasher } from './hashing/argon2-password-hasher.adapter';
import { BundledCommonPasswords } from './hashing/bundled-common-passwords.adapter';
import { TypeOrmUserRepository } from './persistence/typeorm-user.repository';
import { UserRecord } from './persistence/user.record';

@Module({
  imports: [TypeOrmModule.forFeature([UserRecord])],
  providers: [
    CreateAdmin,
    BootstrapAdmin,
    VerifyCredentials,
    { provide: UserRepository, useClass: TypeOrmUserRepository },
    { provide: PasswordHasher, useClass: Argon2PasswordHasher },
    { provide: CommonPasswordList, useClass: BundledCommonPasswords },
  ],
  exports: [CreateAdmin, BootstrapAdmin, VerifyCredentials, UserRepository, PasswordHasher],
})
export class AuthModule {}
