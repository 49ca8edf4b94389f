import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Writes a file so that it is either absent or complete: temp file, fsync, rename, fsync of the folder. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeSynced(tmp, text, 'w');
  await rename(tmp, file);
  await syncDir(dirname(file));
}

export async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}


/** Writes `text` to `file` and fsyncs it (flag 'wx': only if it does not exist). */
export async function writeSynced(file: string, text: string, flag: 'w' | 'wx'): Promise<void> {
  const h = await open(file, flag);
  try {
    await h.writeFile(text);
    await h.sync();
  } finally {
    await h.close();
  }
}
