import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'audit_log' })
export class AuditRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column('timestamptz')
  at!: Date;

  @Column('uuid', { name: 'actor_id', nullable: true })
  actorId!: string | null;

  @Column('varchar', { length: 64 })
  action!: string;

  @Column('varchar', { name: 'target_type', length: 32, nullable: true })
  targetType!: string | null;

  @Column('varchar', { name: 'target_id', length: 64, nullable: true })
  targetId!: string | null;

  @Column('varchar', { length: 64, nullable: true })
  ip!: string | null;

  @Column('jsonb')
  details!: Record<string, unknown>;
}
