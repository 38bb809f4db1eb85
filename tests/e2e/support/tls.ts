/**
 * Real TLS clients for the HTTPS tests: curl (the user's client) and Node's tls/https, each trusting only the
 * stack's own local CA, read out of the running NGINX container the way docs/https.md tells a user to.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { ComposeStack } from '../../../harness/stack';

/** The stack's CA certificate (PEM), written to a temp file for curl; `pem` for Node's clients. */
export async function stackCa(stack: ComposeStack): Promise<{ file: string; pem: string }> {
  const { stdout: pem } = await stack.exec('nginx', ['cat', '/etc/nginx/tls/ca.pem']);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tls-ca-')), 'ca.pem');
  fs.writeFileSync(file, pem);
  return { file, pem };
}

/** Runs curl; resolves with its stdout, whatever its exit code (callers assert on what came back). */
export function curl(args: string[], timeoutMs = 60_000): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile('curl', args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ stdout, stderr, code });
    });
  });
}

/** The certificate NGINX presents to a handshake naming `servername` (SNI), without verifying it. */
export function presentedCertificate(port: number, servername: string): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const certificate = socket.getPeerCertificate();
      socket.end();
      resolve(certificate);
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('TLS handshake timed out')));
    socket.on('error', reject);
  });
}

/** One GET over HTTPS on a new connection (a full handshake each time), trusting only `ca`. */
export function httpsGet(url: string, ca: string, timeoutMs = 10_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}
