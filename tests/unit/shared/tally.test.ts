import { countBy, tally } from '../../../server/shared/tally';

describe('tally', () => {
  it('counts answers per replica with shares, sorted by hostname', () => {
    expect(tally(['b', 'a', 'b', 'c', 'b', 'a'])).toEqual([
      { hostname: 'a', count: 2, share: 2 / 6 },
      { hostname: 'b', count: 3, share: 3 / 6 },
      { hostname: 'c', count: 1, share: 1 / 6 },
    ]);
    expect(tally([])).toEqual([]);
  });

  it('counts any keys, sorted', () => {
    expect(countBy(['timeout', 'HTTP 502', 'timeout'])).toEqual([
      ['HTTP 502', 1],
      ['timeout', 2],
    ]);
  });
});
