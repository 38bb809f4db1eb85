/**
 * The HTTPS port as an auditor sees it: testssl.sh (Debian's package) against the running stack, trusting its local
 * CA, its JSON findings parsed. Mozilla intermediate: TLS 1.2 and 1.3 only, strong forward-secret suites only,
 * nothing it reports as vulnerable.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ComposeStack } from '../../harness/stack';
import { stackCa } from './support/tls';

interface Finding {
  id: string;
  severity: string;
  finding: string;
}

/** testssl.sh's checks for protocols, cipher categories, forward secrecy and known vulnerabilities; bounded. */
function testssl(target: string, ca: string, jsonFile: string): Promise<void> {
  const args = ['--jsonfile', jsonFile, '--warnings', 'off', '--quiet', '--color', '0', '--add-ca', ca];
  return new Promise((resolve, reject) => {
    execFile(
      'testssl',
      [...args, '--protocols', '--std', '--fs', '--vulnerable', target],
      { timeout: 540_000, maxBuffer: 16 * 1024 * 1024 },
      // Its exit code counts findings of every kind; the JSON file is what is judged.
      (error) => (fs.existsSync(jsonFile) ? resolve() : reject(error ?? new Error('testssl wrote no JSON'))),
    );
  });
}

let stack: ComposeStack;
let findings: Finding[];

beforeAll(async () => {
  stack = await ComposeStack.up('tls-testssl', { replicas: 1 });
  const ca = await stackCa(stack);
  const jsonFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'testssl-')), 'findings.json');
  await testssl(`localhost:${stack.httpsPort}`, ca.file, jsonFile);
  findings = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as Finding[];
  const { stdout: version } = await new Promise<{ stdout: string }>((resolve) =>
    execFile('testssl', ['--version'], (_error, stdout) => resolve({ stdout })),
  );
  console.log(
    `[testssl] ${/testssl\s+(\d\S*)/.exec(version)?.[1] ?? 'version unknown'}\n` +
      findings.map((f) => `${f.id} ${f.severity} ${f.finding}`).join('\n'),
  );
}, 600_000);

afterAll(async () => {
  await stack?.down();
});

const finding = (id: string) => findings.find((f) => f.id === id)?.finding;

describe('testssl.sh against the HTTPS port', () => {
  it('offers TLS 1.2 and 1.3 only: no SSLv2, SSLv3, TLS 1.0 or 1.1', () => {
    for (const id of ['SSLv2', 'SSLv3', 'TLS1', 'TLS1_1']) expect([id, finding(id)]).toEqual([id, 'not offered']);
    expect(finding('TLS1_2')).toBe('offered');
    expect(finding('TLS1_3')).toMatch(/^offered/);
  });

  it('offers no NULL, anonymous, export, low, 3DES or average-strength cipher, and HTTP/2 by ALPN', () => {
    for (const id of ['NULL', 'aNULL', 'EXPORT', 'LOW', '3DES_IDEA', 'AVERAGE'].map((c) => `cipherlist_${c}`)) {
      expect([id, finding(id)]).toEqual([id, 'not offered']);
    }
    expect(finding('ALPN_HTTP2')).toBe('h2');
  });

  it('has forward secrecy', () => {
    expect(finding('PFS')).toBe('offered');
  });

  it('reports nothing vulnerable, and no finding above informational', () => {
    const bad = findings.filter((f) => !['OK', 'INFO', 'DEBUG'].includes(f.severity) || /^VULNERABLE/i.test(f.finding));
    expect(bad).toEqual([]);
  });
});
