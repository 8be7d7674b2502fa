import { describe, expect, it } from 'vitest';
import { RecentWrites } from './recent-writes';

const obj = (name: string, rv: string, extra: Record<string, unknown> = {}) => ({
  metadata: { namespace: 'ns', name, resourceVersion: rv },
  ...extra,
});

describe('RecentWrites', () => {
  it('prefers our write until the cache shows that resourceVersion', () => {
    const recent = new RecentWrites<ReturnType<typeof obj>>();
    const cached = obj('a', '10');
    recent.recordWrite(obj('a', '12', { mine: true }), cached);
    expect(recent.resolve('ns', 'a', cached)).toMatchObject({ mine: true });
    recent.observe(obj('a', '11')); // an older event still in the pipe
    expect(recent.resolve('ns', 'a', obj('a', '11'))).toMatchObject({ mine: true });
    recent.observe(obj('a', '12'));
    expect(recent.resolve('ns', 'a', obj('a', '12'))).toEqual(obj('a', '12'));
    expect(recent.size).toBe(0);
  });

  it('adds created objects the cache has not seen and hides deleted ones', () => {
    const recent = new RecentWrites<ReturnType<typeof obj>>();
    recent.recordWrite(obj('new', '5'));
    recent.recordDeletion('ns', 'gone');
    const listed = recent.overlay('ns', [obj('gone', '3'), obj('kept', '4')]);
    expect(listed.map((o) => o.metadata.name).sort()).toEqual(['kept', 'new']);
    expect(recent.overlay('other', [obj('x', '1')])).toHaveLength(1);
    recent.observe(obj('gone', '3'), true);
    expect(
      recent
        .overlay('ns', [obj('kept', '4')])
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['kept', 'new']);
  });

  it('does not remember a write the cache already shows', () => {
    const recent = new RecentWrites<ReturnType<typeof obj>>();
    recent.recordWrite(obj('a', '7'), obj('a', '7'));
    expect(recent.size).toBe(0);
  });

  it('expires entries after the TTL (a relist may skip our exact resourceVersion)', () => {
    let now = 0;
    const recent = new RecentWrites<ReturnType<typeof obj>>(1000, () => now);
    recent.recordWrite(obj('a', 'x1', { mine: true }));
    expect(recent.resolve('ns', 'a', obj('a', 'x0'))).toMatchObject({ mine: true });
    now = 1001;
    expect(recent.resolve('ns', 'a', obj('a', 'x0'))).toEqual(obj('a', 'x0'));
  });

  it('drops an entry when a numerically newer revision is cached', () => {
    const recent = new RecentWrites<ReturnType<typeof obj>>();
    recent.recordWrite(obj('a', '20', { mine: true }));
    recent.observe(obj('a', '25'));
    expect(recent.size).toBe(0);
  });

  it('a deletion recorded after its watch event does not hide a re-created object of the same name', () => {
    type Obj = { metadata: { namespace: string; name: string; resourceVersion: string; uid: string } };
    const claim = (uid: string, rv: string): Obj => ({
      metadata: { namespace: 'ns', name: 'node-0-pool', resourceVersion: rv, uid },
    });
    const recent = new RecentWrites<Obj>();
    recent.recordDeletion('ns', 'node-0-pool', true, 'old-uid');
    // The same name comes back with a new uid: in a list overlay and through the informer.
    expect(recent.overlay('ns', [claim('new-uid', '30')])).toEqual([claim('new-uid', '30')]);
    recent.recordDeletion('ns', 'node-0-pool', true, 'old-uid');
    expect(recent.overlay('ns', [claim('old-uid', '20')])).toEqual([]);
    recent.observe(claim('new-uid', '31'));
    expect(recent.size).toBe(0);
  });
});
