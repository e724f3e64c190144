import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'users' })
export class UserRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('varchar', { length: 64 })
  username!: string;

  @Column('varchar', { length: 320, nullable: true })
  email!: string | null;

  @Column('text', { name: 'password_hash' })
  passwordHash!: string;

  @Column('varchar', { length: 16 })
  role!: string;

  @Column('boolean', { name: 'totp_enabled', default: false })
  totpEnabled!: boolean;

  @Column('boolean', { name: 'is_active', default: true })
  isActive!: boolean;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
