/**
 * The documentation's relative links and images point at files that exist, and its `#anchor` links at
 * headings that exist (GitHub's slugs), so a moved file or a renamed section cannot leave a dead link.
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../harness/repo';

const docsDir = path.join(repoRoot, 'docs');
const documents = [
  'README.md',
  'airgap/README.md',
  ...fs
    .readdirSync(docsDir)
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The lines of a Markdown file outside fenced code blocks (``` or ~~~). */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence === undefined ? marker : undefined;
      continue;
    }
    if (fence === undefined) lines.push(line);
  }
  return lines;
}

/** GitHub's heading anchor: lower-case, punctuation dropped (except '-' and '_'), spaces to '-'. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a file's headings produce, with GitHub's -1, -2 suffixes for repeated headings. */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of proseLines(fs.readFileSync(path.join(repoRoot, file), 'utf8'))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** Link and image targets: `[text](target)` and `![alt](target "title")`, outside code. */
function targets(file: string): string[] {
  const found: string[] = [];
  for (const line of proseLines(fs.readFileSync(path.join(repoRoot, file), 'utf8'))) {
    const withoutCode = line.replace(/`[^`]*`/g, '');
    for (const match of withoutCode.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      found.push(match[1]);
    }
  }
  return found;
}

/** Why a target does not resolve from `file`, or undefined when it does. */
function brokenReason(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: ...: not checked here
  const [pathPart, anchor] = target.split('#', 2);
  const resolved = pathPart === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), pathPart));
  if (resolved.startsWith('..')) return 'points outside the repository';
  if (!fs.existsSync(path.join(repoRoot, resolved))) return `${resolved} does not exist`;
  if (anchor !== undefined && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) {
    return `no heading with anchor #${anchor} in ${resolved}`;
  }
  return undefined;
}

it('finds the documents and their links', () => {
  expect(documents).toEqual(expect.arrayContaining(['README.md', 'airgap/README.md', 'docs/architecture.md']));
  expect(targets('README.md').length).toBeGreaterThan(5);
});

it('resolves every relative link and image, and every #anchor, in README.md, airgap/README.md and docs/', () => {
  const broken = documents.flatMap((file) =>
    targets(file)
      .map((target) => ({ target, reason: brokenReason(file, target) }))
      .filter(({ reason }) => reason !== undefined)
      .map(({ target, reason }) => `${file}: (${target}): ${reason}`),
  );
  expect(broken).toEqual([]);
});

it('keeps README.md under 200 lines', () => {
  const lines = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8').trimEnd().split('\n').length;
  expect(lines).toBeLessThan(200);
});

it('makes GitHub anchors', () => {
  expect(slug('Publishing: ingress or host')).toBe('publishing-ingress-or-host');
  expect(slug('Check the spread from a terminal: `npm run verify`')).toBe(
    'check-the-spread-from-a-terminal-npm-run-verify',
  );
  expect(slug('Scaling beyond one host (Docker Swarm)')).toBe('scaling-beyond-one-host-docker-swarm');
});
