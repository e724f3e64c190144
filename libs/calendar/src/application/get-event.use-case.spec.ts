import { anEvent, errorOf, actorOf, InMemoryEventRepository, USERS } from '../testing';
import { EventNotFound } from '../domain/calendar.errors';
import { GetEvent } from './get-event.use-case';

const UNKNOWN = '99999999-9999-4999-8999-999999999999';

function setup() {
  const events = new InMemoryEventRepository();
  const open = anEvent({ title: 'Daily', createdBy: USERS.PROJET2 });
  const secret = anEvent({ title: '1:1', extra: { private: true }, createdBy: USERS.PROJET2 });
  const window = anEvent({ type: 'deployment_window', extra: { private: true, environment: 'dev' } });
  events.seed(open, secret, window);
  return { get: new GetEvent(events), open, secret, window };
}

describe('GetEvent', () => {
  it.each(['ADMIN', 'PROJET', 'DEV', 'OPS'] as const)('%s reads a public event', async (role) => {
    const { get, open } = setup();
    await expect(get.execute(actorOf(role), open.id)).resolves.toEqual(open);
  });

  it('AC-03: the creator and ADMINs read a private meeting', async () => {
    const { get, secret } = setup();
    await expect(get.execute(actorOf('PROJET', USERS.PROJET2), secret.id)).resolves.toEqual(secret);
    await expect(get.execute(actorOf('ADMIN'), secret.id)).resolves.toEqual(secret);
  });

  it.each(['PROJET', 'DEV', 'OPS'] as const)(
    'AC-03: for %s, another user’s private meeting is the same 404 as an unknown id',
    async (role) => {
      const { get, secret } = setup();
      const hidden = await errorOf(get.execute(actorOf(role), secret.id));
      const missing = await errorOf(get.execute(actorOf(role), UNKNOWN));
      expect(hidden).toBeInstanceOf(EventNotFound);
      expect(hidden).toMatchObject({
        kind: 'not_found',
        code: 'CALENDAR.EVENT_NOT_FOUND',
        message: 'Event not found',
      });
      expect(hidden).toEqual(missing);
    },
  );

  it('AC-03: only meetings are private; a deployment window marked so is visible', async () => {
    const { get, window } = setup();
    await expect(get.execute(actorOf('DEV'), window.id)).resolves.toEqual(window);
  });
});
