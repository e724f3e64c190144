import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditLog, type AuditEntry } from '../../audit';
import { Clock } from '../../clock';
import { AuditRecord } from './audit.record';

@Injectable()
export class TypeOrmAuditLog extends AuditLog {
  constructor(
    @InjectRepository(AuditRecord) private readonly rows: Repository<AuditRecord>,
    private readonly clock: Clock,
  ) {
    super();
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.rows.insert({
      at: this.clock.now(),
      actorId: entry.actorId ?? null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      ip: entry.ip?.slice(0, 64) ?? null,
      details: (entry.details ?? {}) as never,
    });
  }
}
