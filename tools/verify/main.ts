/**
 * `npm run verify`: is the load spread over the replicas? Sends GET /api/whoami through NGINX,
 * prints who answered (or, with --json, a machine-readable result) and exits 0 pass, 1 fail,
 * 2 usage error. Flags: `npm run verify -- --help`.
 */
import { formatReport } from './format';
import { checkMethod, formatMethodReport } from './method';
import { parseOptions, USAGE, UsageError } from './options';
import { progressFor } from './progress';
import { buildReport } from './report';
import { sendRequests } from './send';

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`verify: ${err.message} (see --help)\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (options.method !== undefined) {
    const result = await checkMethod(options, options.method);
    process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatMethodReport(result));
    return result.pass ? 0 : 1;
  }
  const progress = progressFor(process.stderr, options.requests);
  const outcomes = await sendRequests(options, progress);
  progress.finish();
  const report = buildReport(options, outcomes);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.verdict.pass ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`verify: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
