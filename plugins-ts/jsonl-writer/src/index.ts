/**
 * jsonl-writer (TypeScript): each stream's JSON Lines batches go to a hidden staging file
 * in the granted folder `dir`; commit syncs it and renames it to `<stream>-<n>.jsonl`,
 * abort deletes it (the SDK's StagedFile: the protocol of plugins-rust/jsonl-writer).
 * Readers of the folder never see a partial file. A sink that got no rows commits no file.
 *
 * Config: { "dir": "/out" }   the guest folder to write into (granted read-write)
 */
import { defineWriter, PluginError } from '../../sdk/src/index.js';
import { fileStem, Folder, type StagedFile } from '../../sdk/src/files.js';

interface Config {
  dir: string;
}

const NL = 10;

export const writer = defineWriter<Config>({
  spec: {
    version: '0.1.0',
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['dir'],
      properties: { dir: { type: 'string', description: 'guest folder to write into' } },
    },
    encodings: ['json-lines'],
  },
  parseConfig(value) {
    const c = value as Partial<Config>;
    const unknown = Object.keys(c).filter((k) => k !== 'dir');
    if (unknown.length > 0) throw PluginError.config(`unknown config key(s): ${unknown.join(', ')}`);
    if (typeof c.dir !== 'string' || c.dir === '') throw PluginError.config('config.dir must be a folder path');
    return { dir: c.dir };
  },
  check({ dir }) {
    Folder.open(dir); // granted, and a folder
  },
  open({ config, stream }) {
    const file: StagedFile = Folder.open(config.dir).stage(fileStem(stream.name), '.jsonl');
    let records = 0;
    return {
      write(batch) {
        if (batch.encoding !== 'json-lines') {
          throw PluginError.notSupported('jsonl-writer-ts accepts json-lines batches only', { code: 'ENCODING_NOT_SUPPORTED' });
        }
        const b = batch.bytes;
        if (b.length === 0) return;
        for (let i = 0; i < b.length; i++) if (b[i] === NL) records++;
        file.write(b);
        if (b[b.length - 1] !== NL) {
          file.write(new Uint8Array([NL]));
          records++;
        }
      },
      commit() {
        // A run that brought no rows leaves no empty file behind.
        if (file.size === 0n) {
          file.abort();
          return { records: 0, bytes: 0, locations: [] };
        }
        const bytes = file.size;
        return { records, bytes, locations: [file.commit()] };
      },
      abort() {
        file.abort();
      },
    };
  },
});
