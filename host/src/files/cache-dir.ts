import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the host caches what it derives from inputs (transpiled components, compiled validators). */
export const defaultCacheDir = (): string => process.env.DATIVO_CACHE_DIR ?? join(homedir(), '.cache', 'dativo-host');
