/**
 * One business change, all or nothing: the state change, its audit entry and its notice commit
 * together or not at all (LOG-TX-01). Every repository call made inside `run` joins the same
 * transaction; a `run` inside another one becomes a savepoint, so an inner failure that is caught
 * undoes only the inner work.
 *
 * Keep the work short and local: no password hashing, no Vault or git call inside — the embedded
 * database holds every other connection back while a transaction is open (docs/adr/0002).
 */
export abstract class UnitOfWork {
  abstract run<T>(work: () => Promise<T>): Promise<T>;
}
