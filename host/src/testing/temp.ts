import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new empty folder under the OS temp folder (the caller removes it: removeTemp). */
export const tempFolder = (prefix = 'dativo-testing-'): string => mkdtempSync(join(tmpdir(), prefix));

export const removeTemp = (dir: string): void => rmSync(dir, { recursive: true, force: true });
