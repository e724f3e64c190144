import type { GitRun } from '../../domain/git/git-run';
import {
  actorOf,
  aGitAction,
  errorOf,
  GIT_TEST_REPO,
  InMemoryEventRepository,
  InMemoryGitRunRepository,
  USERS,
} from '../../testing';
import { GetGitRun } from './get-git-run.use-case';

const OTHER_DEV = '00000000-0000-4000-8000-0000000000ee';

const aRun = (over: Partial<GitRun>): GitRun => ({
  id: '00000000-0000-4000-8000-0000000000f1',
  eventId: '00000000-0000-4000-8000-0000000000e1',
  action: 'fetch',
  repoUrl: GIT_TEST_REPO,
  branch: 'main',
  status: 'succeeded',
  trigger: 'manual',
  triggeredBy: USERS.DEV,
  freezeOverrideReason: null,
  exitCode: 0,
  output: 'abc123 release',
  createdAt: new Date('2026-03-10T10:05:00Z'),
  startedAt: new Date('2026-03-10T10:05:01Z'),
  finishedAt: new Date('2026-03-10T10:05:03Z'),
  ...over,
});

function setup() {
  const events = new InMemoryEventRepository();
  const runs = new InMemoryGitRunRepository(events);
  // The DEV's git action, with a run of theirs and an automatic one.
  const mine = aGitAction({ id: '00000000-0000-4000-8000-0000000000e1' });
  // An ADMIN's git action, which the DEV once ran (the rule allows it to be read by whoever started it).
  const admins = aGitAction({ id: '00000000-0000-4000-8000-0000000000e2', createdBy: USERS.ADMIN });
  events.seed(mine, admins);
  const byDev = aRun({ id: '00000000-0000-4000-8000-0000000000f1', eventId: mine.id });
  const auto = aRun({ id: '00000000-0000-4000-8000-0000000000f2', trigger: 'auto', triggeredBy: null });
  const onAdmins = aRun({ id: '00000000-0000-4000-8000-0000000000f3', eventId: admins.id });
  const adminsOwn = aRun({
    id: '00000000-0000-4000-8000-0000000000f4',
    eventId: admins.id,
    triggeredBy: USERS.ADMIN,
  });
  for (const run of [byDev, auto, onAdmins, adminsOwn]) runs.seed(run);
  return { events, runs, get: new GetGitRun(events, runs), mine, admins, byDev, auto, onAdmins, adminsOwn };
}

describe('GetGitRun', () => {
  it('an ADMIN reads any run', async () => {
    const { get, byDev, auto, onAdmins, adminsOwn } = setup();
    for (const run of [byDev, auto, onAdmins, adminsOwn])
      await expect(get.execute(actorOf('ADMIN'), run.id)).resolves.toEqual(run);
  });

  it('a DEV reads the runs of their git actions, automatic ones included, and the runs they started', async () => {
    const { get, byDev, auto, onAdmins } = setup();
    for (const run of [byDev, auto, onAdmins])
      await expect(get.execute(actorOf('DEV'), run.id)).resolves.toEqual(run);
  });

  it("a DEV cannot read another's run on another's git action: the same 404 as a missing run", async () => {
    const { get, adminsOwn, byDev } = setup();
    for (const [actor, id] of [
      [actorOf('DEV'), adminsOwn.id],
      [actorOf('DEV', OTHER_DEV), byDev.id],
      [actorOf('DEV'), '00000000-0000-4000-8000-000000000404'],
    ] as const)
      expect(await errorOf(get.execute(actor, id))).toMatchObject({
        kind: 'not_found',
        code: 'GIT.RUN_NOT_FOUND',
        message: 'Git run not found',
      });
  });

  it.each(['PROJET', 'OPS'] as const)('a %s reads no run', async (role) => {
    const { get, byDev } = setup();
    expect(await errorOf(get.execute(actorOf(role), byDev.id))).toMatchObject({ code: 'GIT.RUN_NOT_FOUND' });
  });

  it('the run of a deleted git action stays readable by an ADMIN and by who started it', async () => {
    const { get, events, mine, byDev, auto } = setup();
    await events.remove(mine.id);
    await expect(get.execute(actorOf('ADMIN'), auto.id)).resolves.toEqual(auto);
    await expect(get.execute(actorOf('DEV'), byDev.id)).resolves.toEqual(byDev);
    expect(await errorOf(get.execute(actorOf('DEV'), auto.id))).toMatchObject({ code: 'GIT.RUN_NOT_FOUND' });
  });
});
