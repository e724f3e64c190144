import { aFreeze, InMemoryFreezeRepository } from '../testing';
import { ListFreezes } from './list-freezes.use-case';

describe('ListFreezes', () => {
  async function setup() {
    const freezes = new InMemoryFreezeRepository();
    const later = aFreeze({
      environment: 'prod',
      start: new Date('2026-04-01T00:00:00Z'),
      end: new Date('2026-04-02T00:00:00Z'),
    });
    const earlier = aFreeze({ environment: 'staging' });
    await freezes.add(later);
    await freezes.add(earlier);
    return { list: new ListFreezes(freezes), later, earlier };
  }

  it('lists every freeze by start when no environment is given', async () => {
    const { list, later, earlier } = await setup();
    await expect(list.execute()).resolves.toEqual([earlier, later]);
  });

  it('lists the freezes of one environment', async () => {
    const { list, earlier } = await setup();
    await expect(list.execute('staging')).resolves.toEqual([earlier]);
    await expect(list.execute('dev')).resolves.toEqual([]);
  });
});
