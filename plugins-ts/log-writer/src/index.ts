/**
 * log-writer (TypeScript): a DEMONSTRATION of defineWriter, not a destination. Each
 * sink counts records and bytes of the batches it receives, keeps the first record as a
 * sample, and on commit logs the totals through the host's log import (no record
 * contents beyond the sample's field names). Nothing is stored: componentize-js plugins
 * have no Node fs, and this plugin's world imports no filesystem interface.
 *
 * Config: { "sample": true }   log the sample record's field names (default true)
 */
import { defineWriter, log, PluginError } from '../../sdk/src/index.js';

interface Config {
  sample: boolean;
}

export const writer = defineWriter<Config>({
  spec: { version: '0.1.0', configSchema: { type: 'object', properties: { sample: { type: 'boolean' } } }, encodings: ['json-lines'] },
  parseConfig(v) {
    const c = v as { sample?: unknown };
    if (c.sample !== undefined && typeof c.sample !== 'boolean') throw PluginError.config('config.sample must be a boolean');
    return { sample: c.sample !== false };
  },
  open({ config, stream }) {
    let records = 0;
    let bytes = 0;
    let batches = 0;
    let fields: string[] | undefined;
    let state: 'open' | 'committed' | 'aborted' = 'open';
    const decoder = new TextDecoder();
    return {
      write(batch) {
        if (state !== 'open') throw PluginError.internal(`sink is ${state}`, { code: 'SINK_CLOSED' });
        if (batch.encoding !== 'json-lines') throw PluginError.notSupported(`encoding ${batch.encoding} is not supported (json-lines only)`);
        const b = batch.bytes;
        for (let i = 0; i < b.length; i++) if (b[i] === 10) records++;
        if (b.length > 0 && b[b.length - 1] !== 10) records++; // a last line without newline
        bytes += b.length;
        batches++;
        if (fields === undefined && config.sample && b.length > 0) {
          const nl = b.indexOf(10);
          const first = decoder.decode(nl < 0 ? b : b.subarray(0, nl));
          try {
            const rec = JSON.parse(first) as unknown;
            fields = rec !== null && typeof rec === 'object' ? Object.keys(rec) : [];
          } catch (e) {
            throw PluginError.data(`batch ${batches}: first line is not JSON: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      },
      commit() {
        if (state !== 'open') throw PluginError.internal(`sink is ${state}`, { code: 'SINK_CLOSED' });
        state = 'committed';
        log.info('log-writer commit', { stream: stream.name, batches, records, bytes, fields: fields?.join(',') });
        return { records, bytes, locations: [`log:${stream.name}`] };
      },
      abort() {
        state = 'aborted';
        log.warn('log-writer abort', { stream: stream.name, batches, records });
      },
    };
  },
});
