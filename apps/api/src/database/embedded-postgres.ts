import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The connection settings the pg driver needs to reach the embedded database. */
export interface EmbeddedConnection {
  host: string;
  port: number;
  username: string;
  database: string;
}

export class EmbeddedDatabaseBusy extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database in ${dir} is in use by process ${pid}. Stop that process first, ` +
        `or point DATABASE_URL at a PostgreSQL server.`,
    );
    this.name = 'EmbeddedDatabaseBusy';
  }
}

const SOCKET_PORT = 5432;

/**
 * PGlite (PostgreSQL compiled to WebAssembly) persisted under `<DATA_DIR>/pg`, served on a private
 * Unix socket so the ordinary pg driver, TypeORM and our migrations work unchanged (ADR 0002).
 * One process at a time may own a data directory: a pid lock file guards it.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly socketDir: string,
    private readonly lockFile: string,
  ) {}

  static async start(dataDir: string, maxConnections = 10): Promise<EmbeddedPostgres> {
    const root = resolve(dataDir);
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const lockFile = join(root, 'embedded-postgres.pid');
    acquireLock(lockFile, root);
    let db: PGlite | undefined;
    let socketDir: string | undefined;
    try {
      db = await PGlite.create(join(root, 'pg'), { extensions: { btree_gist } });
      socketDir = mkdtempSync(join(tmpdir(), 'uyoop-pg-'));
      const server = new PGLiteSocketServer({
        db,
        path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`),
        maxConnections,
      });
      await server.start();
      return new EmbeddedPostgres(db, server, socketDir, lockFile);
    } catch (error) {
      await db?.close().catch(() => undefined);
      if (socketDir) rmSync(socketDir, { recursive: true, force: true });
      rmSync(lockFile, { force: true });
      throw error;
    }
  }

  get connection(): EmbeddedConnection {
    return { host: this.socketDir, port: SOCKET_PORT, username: 'postgres', database: 'postgres' };
  }

  async stop(): Promise<void> {
    await this.server.stop().catch(() => undefined);
    await this.db.close();
    rmSync(this.socketDir, { recursive: true, force: true });
    rmSync(this.lockFile, { force: true });
  }
}

function acquireLock(lockFile: string, dir: string): void {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new EmbeddedDatabaseBusy(dir, owner);
      }
      rmSync(lockFile, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`Could not lock the embedded database in ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
