import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import { type Freeze, FreezeRepository } from '../../application/ports/freeze-repository.port';

interface FreezeRow {
  id: string;
  environment: string;
  starts_at: Date;
  ends_at: Date;
  reason: string;
  created_by: string;
  created_at: Date;
}

const COLUMNS = 'id, environment, starts_at, ends_at, reason, created_by, created_at';
const toFreeze = (r: FreezeRow): Freeze => ({
  id: r.id,
  environment: r.environment,
  start: r.starts_at,
  end: r.ends_at,
  reason: r.reason,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

@Injectable()
export class TypeOrmFreezeRepository extends FreezeRepository {
  constructor(private readonly db: TypeOrmUnitOfWork) {
    super();
  }

  async add(f: Freeze): Promise<void> {
    await this.db.query(`INSERT INTO freezes (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      f.id,
      f.environment,
      f.start,
      f.end,
      f.reason,
      f.createdBy,
      f.createdAt,
    ]);
  }

  async remove(id: string): Promise<boolean> {
    return (await this.db.exec(`DELETE FROM freezes WHERE id = $1`, [id])).affected === 1;
  }

  async list(environment: string | undefined): Promise<Freeze[]> {
    const rows = (await this.db.query(
      `SELECT ${COLUMNS} FROM freezes WHERE ($1::varchar IS NULL OR environment = $1) ORDER BY starts_at LIMIT 1000`,
      [environment ?? null],
    )) as FreezeRow[];
    return rows.map(toFreeze);
  }

  async overlapping(environment: string | undefined, start: Date, end: Date): Promise<Freeze[]> {
    const rows = (await this.db.query(
      `SELECT ${COLUMNS} FROM freezes WHERE during && tstzrange($2, $3, '[)') AND ($1::varchar IS NULL OR environment = $1) ORDER BY ends_at DESC`,
      [environment ?? null, start, end],
    )) as FreezeRow[];
    return rows.map(toFreeze);
  }
}
