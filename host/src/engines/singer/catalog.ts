/**
 * The Singer catalog: what `--discover` offers, as stream descriptors, and the catalog
 * handed back to the tap with only the job's stream selected (its contract's columns
 * selected, the rest deselected; automatic ones come anyway) and its replication method.
 */
import type { StreamDescriptor } from '../../runtime/plugin-types.js';

export interface SingerStream {
  tap_stream_id: string;
  stream?: string;
  schema: Record<string, unknown>;
  key_properties?: string[];
  replication_key?: string;
  replication_method?: string;
  metadata?: { breadcrumb: string[]; metadata: Record<string, unknown> }[];
  [k: string]: unknown;
}

export interface SingerCatalog {
  streams: SingerStream[];
}

const streamMeta = (s: SingerStream) => s.metadata?.find((m) => m.breadcrumb.length === 0)?.metadata ?? {};

export const nameOf = (s: SingerStream): string => s.stream ?? s.tap_stream_id;

export function descriptorsOf(catalog: SingerCatalog): StreamDescriptor[] {
  return catalog.streams.map((s) => {
    const meta = streamMeta(s);
    const key = (s.replication_key ?? (meta['valid-replication-keys'] as string[] | undefined)?.[0]) as string | undefined;
    return {
      name: nameOf(s),
      jsonSchema: s.schema,
      primaryKey: s.key_properties ?? (meta['table-key-properties'] as string[] | undefined) ?? [],
      cursorFields: key ? [key] : [],
      supportsIncremental: key !== undefined || s.replication_method === 'INCREMENTAL',
    };
  });
}

/** The catalog with `stream` selected: incremental on `cursor` when given, else full table. */
export function selectStream(catalog: SingerCatalog, stream: string, columns: string[], cursor: string | undefined): SingerCatalog {
  const wanted = new Set(columns);
  return {
    streams: catalog.streams.map((s) => {
      const selected = nameOf(s) === stream || s.tap_stream_id === stream;
      const method = cursor ? 'INCREMENTAL' : 'FULL_TABLE';
      const metadata = (s.metadata ?? [{ breadcrumb: [], metadata: {} }]).map((m) => {
        if (m.breadcrumb.length === 0) {
          return { ...m, metadata: { ...m.metadata, selected, ...(selected ? { 'replication-method': method, ...(cursor ? { 'replication-key': cursor } : {}) } : {}) } };
        }
        const column = m.breadcrumb[0] === 'properties' && m.breadcrumb.length === 2 ? m.breadcrumb[1]! : undefined;
        return column === undefined ? m : { ...m, metadata: { ...m.metadata, selected: selected && (wanted.has(column) || column === cursor) } };
      });
      return { ...s, selected, ...(selected ? { replication_method: method, ...(cursor ? { replication_key: cursor } : {}) } : {}), metadata };
    }),
  };
}
