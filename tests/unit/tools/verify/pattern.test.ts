import { detectRotation } from '../../../../tools/verify/pattern';

const rotation = (times: number, ...hosts: string[]) => Array.from({ length: times }, () => hosts).flat();

describe('detectRotation', () => {
  it('detects strict round robin with the period of the replica count, whatever the start', () => {
    expect(detectRotation(['b', 'c', 'a', ...rotation(10, 'b', 'c', 'a')])).toEqual({
      strict: true,
      period: 3,
      cycle: ['b', 'c', 'a'],
      conforming: 1,
    });
  });

  it('counts a partial last rotation as strict', () => {
    expect(detectRotation([...rotation(4, 'a', 'b', 'c'), 'a', 'b'])).toMatchObject({ strict: true, period: 3 });
  });

  it('rejects one swapped pair and says how much still conforms', () => {
    const sequence = rotation(4, 'a', 'b', 'c');
    [sequence[6], sequence[7]] = [sequence[7], sequence[6]];
    const pattern = detectRotation(sequence);
    expect(pattern.strict).toBe(false);
    expect(pattern.period).toBe(3);
    // Of the 9 answers after the first rotation, 4 no longer match the one 3 before.
    expect(pattern.conforming).toBeCloseTo(5 / 9);
  });

  it('rejects a balanced but non-rotating order (a a b b c c)', () => {
    expect(detectRotation(['a', 'a', 'b', 'b', 'c', 'c']).strict).toBe(false);
  });

  it('handles one replica and no answers', () => {
    expect(detectRotation(['a', 'a', 'a'])).toEqual({ strict: true, period: 1, cycle: ['a'], conforming: 1 });
    expect(detectRotation([])).toEqual({ strict: false, period: 0, cycle: [], conforming: 0 });
  });
});
