/**
 * The README's commands, run as a reader would: every ```sh block in README.md, in order, with bash,
 * from the repository root, except a block directly preceded by
 * `<!-- not run by the README test: <reason> -->` (docs/architecture.md has the convention).
 * They run against a throw-away project on free ports: `https://localhost` becomes `https://localhost:<https port>`,
 * any other `localhost` becomes `localhost:<port>`.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { docker } from '../../harness/docker';
import { freePort } from '../../harness/http';
import { repoRoot } from '../../harness/repo';

const PROJECT = 'rrtest-readme';
const BLOCK_TIMEOUT_MS = 180_000;
const NOT_RUN = /^<!-- not run by the README test: (.+) -->$/;

interface ShellBlock {
  /** 1-based line of the opening fence. */
  line: number;
  text: string;
  /** Why the block is not run, from the comment line before it; undefined when it is run. */
  notRun?: string;
}

/** The ```sh blocks of a Markdown text, with the not-run reason of the line just before each. */
function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(`{3,})\s*(\S*)/.exec(lines[i]);
    if (!fence) continue;
    const end = lines.findIndex((line, j) => j > i && line.trim() === fence[1]);
    if (end === -1) throw new Error(`README.md:${i + 1}: code block never closed`);
    if (fence[2] === 'sh') {
      const notRun = NOT_RUN.exec(lines[i - 1] ?? '')?.[1];
      blocks.push({ line: i + 1, text: lines.slice(i + 1, end).join('\n'), notRun });
    }
    i = end;
  }
  return blocks;
}

const blocks = shellBlocks(fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8'));
const runnable = blocks.filter((block) => block.notRun === undefined);

let env: NodeJS.ProcessEnv;
let port: number;
let httpsPort: number;

function composeDown() {
  return docker(
    ['compose', '--project-directory', repoRoot, '--project-name', PROJECT, 'down', '--volumes', '--remove-orphans'],
    { env, timeoutMs: 120_000 },
  ).catch((err: unknown) => console.warn(`[readme] ${String(err)}`));
}

beforeAll(async () => {
  port = await freePort();
  httpsPort = await freePort();
  // COMPOSE_FILE (the air-gap override in CI) is inherited, as a reader's shell would.
  env = {
    ...process.env,
    COMPOSE_PROJECT_NAME: PROJECT,
    HTTP_PORT: String(port),
    HTTPS_PORT: String(httpsPort),
  };
  await composeDown(); // leftovers of an aborted run
});

afterAll(async () => {
  await docker(
    [
      'compose',
      '--project-directory',
      repoRoot,
      '-p',
      PROJECT,
      'down',
      '--volumes',
      '--remove-orphans',
      '--timeout',
      '5',
    ],
    { env, timeoutMs: 120_000 },
  );
});

interface Run {
  code: number | string;
  stdout: string;
  stderr: string;
}

function bash(script: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', `set -euo pipefail\n${script}`],
      { cwd: repoRoot, env, timeout: BLOCK_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (error.code ?? (error.killed ? `killed after ${BLOCK_TIMEOUT_MS} ms` : -1)) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

it('has runnable blocks, the first one starting the stack, and marks the ones that would recurse', () => {
  expect(runnable.length).toBeGreaterThanOrEqual(3);
  expect(runnable[0].text).toMatch(/docker compose up\b.*--wait/);
  for (const block of runnable) {
    expect(block.text).not.toMatch(/\bnpm (ci|test)\b/);
  }
});

describe.each(runnable.map((block) => [`README.md:${block.line}`, block] as const))('%s', (_, block) => {
  it(
    `runs: ${block.text.split('\n')[0]}`,
    async () => {
      const script = block.text
        .replace(/https:\/\/localhost(?!:)/g, `https://localhost:${httpsPort}`)
        .replace(/(?<!https:\/\/)localhost(?!:)/g, `localhost:${port}`);
      const run = await bash(script);
      if (run.code !== 0) {
        throw new Error(
          `README.md:${block.line}: the block exited ${run.code}:\n${script}\n--- stderr ---\n${run.stderr.trim()}` +
            `\n--- stdout (end) ---\n${run.stdout.trim().slice(-2000)}`,
        );
      }
    },
    BLOCK_TIMEOUT_MS + 10_000,
  );
});
