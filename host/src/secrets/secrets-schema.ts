/**
 * The job's `secrets:` block (docs/secrets.md). Each remote manager has its own block;
 * credentials are never in the job: they come from the environment, files or the
 * platform's own chain, named here.
 */
import { z } from 'zod';

/** secrets.vault (host/src/secrets/vault.ts). */
const vaultSecrets = z
  .object({
    address: z.string().url().optional(),
    namespace: z.string().optional(),
    mount: z.string().optional(),
    kv_version: z.union([z.literal(1), z.literal(2)]).optional(),
    prefix: z.string().optional(),
    auth: z
      .object({
        method: z.enum(['token', 'approle', 'jwt']),
        token_env: z.string().optional(),
        role_id_env: z.string().optional(),
        secret_id_env: z.string().optional(),
        /** jwt: the role, and where the JWT is (default: Kubernetes' service account token). */
        role: z.string().optional(),
        jwt_file: z.string().optional(),
        jwt_env: z.string().optional(),
        mount: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** secrets.aws (host/src/secrets/aws.ts): credentials from the SDK's default chain. */
const awsSecrets = z
  .object({
    region: z.string().optional(),
    endpoint: z.string().url().optional(),
    prefix: z.string().optional(),
    version_stage: z.string().optional(),
  })
  .strict();

/** secrets.gcp (host/src/secrets/gcp.ts): credentials from Application Default Credentials. */
const gcpSecrets = z
  .object({
    project: z.string().optional(),
    version: z.string().optional(),
    prefix: z.string().optional(),
    endpoint: z.string().url().optional(),
  })
  .strict();

export const secretsSchema = z
  .object({
    manager: z.enum(['env', 'file', 'vault', 'aws', 'gcp', 'none']).default('none'),
    /** env: prefix of the variables (default DATIVO_SECRET_). */
    prefix: z.string().optional(),
    /** file: a JSON or YAML file of name: value. */
    path: z.string().optional(),
    /** vault, aws, gcp: name → `<path or secret id>#<key>` (docs/secrets.md). */
    keys: z.record(z.string(), z.string().min(1)).optional(),
    vault: vaultSecrets.optional(),
    aws: awsSecrets.optional(),
    gcp: gcpSecrets.optional(),
  })
  .strict()
  .default({ manager: 'none' });
