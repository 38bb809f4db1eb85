import path from 'node:path';

/** The repository's root: compose files and their `./nginx` paths resolve from here. */
export const repoRoot = path.resolve(__dirname, '..');
