import type { GitRun } from '../../domain/git/git-run';
import {
  actorOf,
  aGitAction,
  anEvent,
  errorOf,
  GIT_TEST_REPO,
  InMemoryEventRepository,
  InMemoryGitRunRepository,
  USERS,
} from '../../testing';
import { ListGitRuns } from './list-git-runs.use-case';

const OTHER_DEV = '00000000-0000-4000-8000-0000000000ee';

const aRun = (n: number, eventId: string, triggeredBy: string | null): GitRun => ({
  id: `00000000-0000-4000-8000-0000000000f${n}`,
  eventId,
  action: 'fetch',
  repoUrl: GIT_TEST_REPO,
  branch: 'main',
  status: 'queued',
  trigger: triggeredBy ? 'manual' : 'auto',
  triggeredBy,
  freezeOverrideReason: null,
  exitCode: null,
  output: '',
  createdAt: new Date(Date.UTC(2026, 2, 10, 10, n)),
  startedAt: null,
  finishedAt: null,
});

function setup() {
  const events = new InMemoryEventRepository();
  const runs = new InMemoryGitRunRepository(events);
  const admins = aGitAction({ createdBy: USERS.ADMIN });
  const mine = aGitAction();
  events.seed(admins, mine);
  // On the ADMIN's git action: an automatic run, one the ADMIN started, one the DEV started.
  const [auto, byAdmin, byDev] = [
    aRun(1, admins.id, null),
    aRun(2, admins.id, USERS.ADMIN),
    aRun(3, admins.id, USERS.DEV),
  ];
  const onMine = aRun(4, mine.id, USERS.DEV);
  for (const run of [auto, byAdmin, byDev, onMine]) runs.seed(run);
  return { events, list: new ListGitRuns(events, runs), admins, mine, auto, byAdmin, byDev, onMine };
}

describe('ListGitRuns', () => {
  it('an ADMIN lists every run of a git action, newest first', async () => {
    const { list, admins, auto, byAdmin, byDev } = setup();
    expect(await list.execute(actorOf('ADMIN'), admins.id)).toEqual([byDev, byAdmin, auto]);
  });

  it("a DEV lists every run of their git action, and only their own runs on another's", async () => {
    const { list, admins, mine, byDev, onMine } = setup();
    expect(await list.execute(actorOf('DEV'), mine.id)).toEqual([onMine]);
    expect(await list.execute(actorOf('DEV'), admins.id)).toEqual([byDev]);
    expect(await list.execute(actorOf('DEV', OTHER_DEV), admins.id)).toEqual([]);
  });

  it.each(['PROJET', 'OPS'] as const)('a %s sees no run', async (role) => {
    const { list, admins } = setup();
    expect(await list.execute(actorOf(role), admins.id)).toEqual([]);
  });

  it('AC-03: a missing event and a private meeting of someone else are the same 404', async () => {
    const { list, events } = setup();
    const meeting = anEvent({ extra: { private: true } });
    events.seed(meeting);
    for (const id of [meeting.id, '00000000-0000-4000-8000-000000000404'])
      expect(await errorOf(list.execute(actorOf('DEV'), id))).toMatchObject({
        kind: 'not_found',
        message: 'Event not found',
      });
  });
});
