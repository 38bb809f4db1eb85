/**
 * No private key is ever committed: the stack's keys are made at first start into a volume (nginx/tls/make-certs.sh),
 * or are the user's own, mounted (TLS_DIR) or given as Swarm secrets. Tracked and to-be-tracked files alike.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../harness/repo';

const PRIVATE_KEY = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----/;
const KEY_FILE_NAME = /(\.key|key\.pem|\.p12|\.pfx)$/i;

function repositoryFiles(): string[] {
  const listing = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return listing.split('\0').filter((file) => file && fs.existsSync(path.join(repoRoot, file)));
}

describe('private keys', () => {
  it('are in no file of the repository, by name or by content', () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(50);
    const named = files.filter((file) => KEY_FILE_NAME.test(file));
    const containing = files.filter((file) => {
      const full = path.join(repoRoot, file);
      return fs.statSync(full).size < 4_000_000 && PRIVATE_KEY.test(fs.readFileSync(full, 'latin1'));
    });
    expect({ named, containing }).toEqual({ named: [], containing: [] });
  });
});
