/**
 * `npx ts-node --transpile-only tools/profile/main.ts <profile.cpuprofile> <out.svg> [title]`: draws the flame
 * graph of a CPU profile written by `node --cpu-prof` (docs/benchmarks.md, "The replica's cost per request").
 * Start-up (loading the modules) is left out: the picture is of the requests.
 */
import fs from 'node:fs';
import { frameTree, renderSvg, type CpuProfile } from './flamegraph';

/** The frame under which Node runs the entry module: `require` of every module, once, at start. */
const START_UP = '(anonymous) node:internal/main/run_main_module';

const [input, output, title] = process.argv.slice(2);
if (input === undefined || output === undefined) {
  console.error('usage: main.ts <profile.cpuprofile> <out.svg> [title]');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(input, 'utf8')) as CpuProfile;
fs.writeFileSync(output, renderSvg(frameTree(profile, [START_UP]), title ?? input));
console.log(`wrote ${output}`);
