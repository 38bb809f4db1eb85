import { hostCpuBetween } from '../../../../tools/bench/resources';

describe('hostCpuBetween', () => {
  it('adds what each host process used, per pid, so one that ended in between subtracts nothing', () => {
    const before = new Map([
      [10, 5_000],
      [11, 900_000],
    ]);
    // pid 11 ended (a containerd-shim of another project); pid 12 started and used 300.
    const after = new Map([
      [10, 5_400],
      [12, 300],
    ]);
    expect(hostCpuBetween(before, after)).toBe(700);
  });
});
