/**
 * docs/benchmarks.md: the hand-written parts (method, tuning A/B) stay; the part between the markers is
 * replaced by each run, so the figures always come from the command, never from an edit.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const BEGIN = '<!-- bench:begin (written by `npm run bench`; edits between these markers are lost) -->';
export const END = '<!-- bench:end -->';

export function spliceGenerated(document: string, generated: string): string {
  const begin = document.indexOf(BEGIN);
  const end = document.indexOf(END);
  if (begin === -1 || end < begin) return `${document.trimEnd()}\n\n${BEGIN}\n${generated.trim()}\n${END}\n`;
  return `${document.slice(0, begin)}${BEGIN}\n${generated.trim()}\n${document.slice(end)}`;
}

export function writeGenerated(file: string, generated: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  writeFileSync(file, spliceGenerated(current, generated));
}
