import { AuditLog, type AuditEntry } from '../audit';

export class InMemoryAuditLog extends AuditLog {
  readonly entries: AuditEntry[] = [];

  async record(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }

  actions(): string[] {
    return this.entries.map((e) => e.action);
  }
}
