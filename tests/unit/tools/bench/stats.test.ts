import { cores, median, ratioSpread, spread } from '../../../../tools/bench/stats';

describe('median', () => {
  it('takes the middle of an odd count and the mean of the two middles of an even one, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([10, 2, 4, 8])).toBe(6);
    expect(median([7])).toBe(7);
  });

  it('refuses no values instead of inventing a figure', () => {
    expect(() => median([])).toThrow(RangeError);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('spread', () => {
  it('reports the median with the range', () => {
    expect(spread([5, 1, 9, 3])).toEqual({ median: 4, min: 1, max: 9 });
  });
});

describe('ratioSpread', () => {
  it('divides round by round, then takes the median and range of the ratios', () => {
    // Round 2 ran on a slower machine: both sides halved, its ratio is unchanged.
    const pairs = [
      [1300, 1000],
      [650, 500],
      [1400, 1000],
    ] as const;
    expect(ratioSpread(pairs)).toEqual({ median: 1.3, min: 1.3, max: 1.4 });
  });

  it('is not the ratio of the medians', () => {
    const pairs = [
      [100, 10],
      [30, 20],
      [40, 40],
    ] as const;
    // medians: 40 / 20 = 2; per-round ratios 10, 1.5, 1 -> median 1.5
    expect(ratioSpread(pairs)?.median).toBe(1.5);
  });

  it('skips rounds where a side is missing or zero, and has no answer when none is left', () => {
    expect(
      ratioSpread([
        [10, undefined],
        [10, 0],
        [9, 3],
      ]),
    ).toEqual({ median: 3, min: 3, max: 3 });
    expect(ratioSpread([[10, undefined]])).toBeUndefined();
  });
});

describe('cores', () => {
  it('is CPU time over wall time', () => {
    expect(cores(1.5e9, 1e6)).toBe(1.5); // 1.5 s of CPU in 1 s
    expect(cores(5e8, 2e6)).toBe(0.25);
    expect(cores(1e9, 0)).toBe(0);
  });
});
