import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CreateAdmin } from '@uyoop/auth';
import { isDomainError } from '@uyoop/shared';
import { parseArgs } from 'node:util';
import { ConfigError, loadEnv, type Env } from '../config/env';
import { EmbeddedDatabaseBusy } from '../database/embedded-postgres';
import { CliModule } from './cli.module';
import { migrationCommand } from './migration-commands';
import { promptHidden } from './prompt';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  create-admin --username <name> [--email <address>]
      Creates an ADMIN account. The password is read from UYOOP_ADMIN_PASSWORD, or prompted
      for on the terminal; it is never taken from the command line.
  migration:run       Applies pending database migrations.
  migration:revert    Reverts the most recent migration.
  migration:show      Lists migrations and whether each is applied.

The database is the one the API would use: DATABASE_URL, the secret store, or the embedded
database under DATA_DIR (stop the API first: one process at a time owns that directory).`;

class UsageError extends Error {}

export async function run(argv: string[], source: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const env = loadEnv(source);
  if (command === 'create-admin') return createAdmin(rest, env, source);
  if (command.startsWith('migration:')) return migrationCommand(command.slice('migration:'.length), env);
  throw new UsageError(`Unknown command "${command}".`);
}

async function createAdmin(args: string[], env: Env, source: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { username: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  if (values.password !== undefined) {
    throw new UsageError(
      'Passwords are not accepted on the command line (they end up in shell history and `ps`). Set UYOOP_ADMIN_PASSWORD or answer the prompt.',
    );
  }
  if (!values.username) throw new UsageError('create-admin needs --username <name>.');
  const password = source.UYOOP_ADMIN_PASSWORD ?? (await askPassword());
  const app = await NestFactory.createApplicationContext(CliModule.register(env), {
    logger: ['error'],
    abortOnError: false,
  });
  try {
    const user = await app
      .get(CreateAdmin)
      .execute({ username: values.username, password, email: values.email ?? null });
    process.stdout.write(`Created ADMIN "${user.username}" (id ${user.id}).\n`);
    return 0;
  } finally {
    await app.close();
  }
}

async function askPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new UsageError(
      'No password: set UYOOP_ADMIN_PASSWORD, or run the command on a terminal to be prompted.',
    );
  }
  const first = await promptHidden('Password for the new ADMIN: ');
  const second = await promptHidden('Repeat the password: ');
  if (first !== second) throw new UsageError('The two passwords differ.');
  return first;
}

if (require.main === module) {
  run(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      const known =
        error instanceof UsageError ||
        error instanceof ConfigError ||
        error instanceof EmbeddedDatabaseBusy ||
        isDomainError(error) ||
        (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
      process.stderr.write(
        `${known ? (error as Error).message : `Failed: ${(error as Error).message ?? String(error)}`}\n`,
      );
      process.exit(known && !(error instanceof UsageError) ? 1 : known ? 2 : 1);
    });
}
