import { createRequire } from 'node:module';
import { expect, it } from 'vitest';

const loaded = (pattern: RegExp) => Object.keys(createRequire(import.meta.url).cache).filter((p) => pattern.test(p));
const HEAVY = /node_modules\/(@aws-sdk\/client-secrets-manager|pg)\//;

it('a run loads the AWS Secrets Manager SDK and pg only when its job uses them (~100 ms of start-up otherwise)', async () => {
  await import('./run-job.js');
  await import('../secrets/create-secret-manager.js');
  await import('../state/create-state-store.js');
  expect(loaded(HEAVY)).toEqual([]);
  // The check sees them once loaded (what AwsSecretManager and PostgresStateStore do on first use).
  await import('pg');
  await import('@aws-sdk/client-secrets-manager');
  expect(loaded(HEAVY).length).toBeGreaterThan(0);
});
