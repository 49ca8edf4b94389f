import { dirname, resolve, isAbsolute } from 'node:path';
import { z } from 'zod';
import { loadYamlFile } from './yaml-file.js';

/** Defaults applied when a manifest says nothing about a limit. */
export const DEFAULT_LIMITS = {
  memory_mb: 256,
  call_timeout_ms: 30_000,
  max_batch_bytes: 64 * 1024 * 1024,
  max_output_bytes: 1024 * 1024,
  /** Rows of one batch (Arrow record batch or JSON Lines lines). */
  max_batch_rows: 1024 * 1024,
  /** Bytes one batch may decode to, estimated from its headers before decoding. */
  max_batch_expanded_bytes: 512 * 1024 * 1024,
  max_checkpoint_bytes: 1024 * 1024,
  /** Bytes of one JSON Lines line. */
  max_json_line_bytes: 8 * 1024 * 1024,
  /** Bytes of an error or log message; the rest is cut off. */
  max_message_bytes: 64 * 1024,
  /** Fields of one log call; the rest are dropped and counted. */
  max_log_fields: 64,
} as const;

const guestPath = z.string().regex(/^\/(?!.*(^|\/)\.\.(\/|$))/, 'must be an absolute guest path without ".."');
const httpOrigin = z
  .string()
  .regex(
    // or a placeholder filled from the job's config (capabilities/placeholders.ts)
    /^(?:(https?|\*):\/\/(\*|(\*\.)?[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:(\d+|\*))?|(https?:\/\/)?\{\{\s*config\.[A-Za-z0-9_.-]+\s*\}\}(:\d+)?)$/,
    'must be scheme://host[:port] (wildcards: *, *.example.com, :*) or a placeholder {{ config.KEY }}',
  );
const tcpAddress = z.string().regex(/^((\*\.)?[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d+$/, 'must be host:port');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

export const manifestSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_", "-"'),
    version: z.string().regex(/^\d+\.\d+\.\d+([-+].*)?$/, 'must be semver'),
    kind: z.enum(['reader', 'writer', 'command']),
    contract: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be the dativo:plugin version the plugin was built for, e.g. 0.1.0'),
    component: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
    description: z.string().optional(),
    capabilities: z
      .object({
        filesystem: z
          // No `host`: host folders come from the job only, which binds one to the guest path
          // (its source files, its target folder). A manifest naming one is refused.
          .array(
            z
              .object({
                guest: guestPath,
                host: z.undefined({ error: 'a manifest cannot name a host folder: the job binds one to this guest path (remove host)' }).optional(),
                access: z.enum(['read', 'read-write']).default('read'),
              })
              .strict(),
          )
          .default([]),
        http: z.array(httpOrigin).default([]),
        tcp: z.array(tcpAddress).default([]),
        env: z.array(envName).default([]),
        secrets: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ filesystem: [], http: [], tcp: [], env: [], secrets: [] }),
    limits: z
      .object({
        memory_mb: z.number().int().positive().max(4096).default(DEFAULT_LIMITS.memory_mb),
        call_timeout_ms: z.number().int().positive().default(DEFAULT_LIMITS.call_timeout_ms),
        max_batch_bytes: z.number().int().positive().default(DEFAULT_LIMITS.max_batch_bytes),
        max_output_bytes: z.number().int().nonnegative().default(DEFAULT_LIMITS.max_output_bytes),
        max_batch_rows: z.number().int().positive().default(DEFAULT_LIMITS.max_batch_rows),
        max_batch_expanded_bytes: z.number().int().positive().default(DEFAULT_LIMITS.max_batch_expanded_bytes),
        max_checkpoint_bytes: z.number().int().positive().default(DEFAULT_LIMITS.max_checkpoint_bytes),
        max_json_line_bytes: z.number().int().positive().default(DEFAULT_LIMITS.max_json_line_bytes),
        max_message_bytes: z.number().int().min(256).default(DEFAULT_LIMITS.max_message_bytes),
        max_log_fields: z.number().int().nonnegative().default(DEFAULT_LIMITS.max_log_fields),
      })
      .strict()
      .default({ ...DEFAULT_LIMITS }),
  })
  .strict();

export type PluginManifest = z.output<typeof manifestSchema> & {
  /** The manifest file it was read from (absolute), for messages. */
  file: string;
  /** The component path resolved against the manifest's folder. */
  componentPath: string;
};

/** Loads plugin.yaml; a relative component path is relative to the manifest's folder. */
export function loadManifest(file: string): PluginManifest {
  const abs = resolve(file);
  const m = loadYamlFile(abs, manifestSchema, 'plugin manifest');
  return resolveManifestPaths(m, abs);
}

export function resolveManifestPaths(m: z.output<typeof manifestSchema>, file: string): PluginManifest {
  const dir = dirname(file);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  return {
    ...m,
    file,
    componentPath: at(m.component),
  };
}
