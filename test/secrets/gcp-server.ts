/**
 * A local GCP Secret Manager for test/secrets/gcp.test.ts. Google publishes no emulator, so
 * this is a real gRPC server (@grpc/grpc-js) serving google.cloud.secretmanager.v1
 * .SecretManagerService/AccessSecretVersion from the official protos that the client
 * package ships (loaded from node_modules, not copied). It answers as the service does:
 * the payload with its CRC32C, `latest` as the newest enabled version, NOT_FOUND for an
 * unknown secret or version, FAILED_PRECONDITION for a disabled version, PERMISSION_DENIED
 * for a secret the caller may not read. Only AccessSecretVersion is implemented.
 * It runs in its own process (the CLI tests block this one in spawnSync) and appends each
 * call to a log file the test reads.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { crc32c } from '../../host/src/secrets/crc32c.js';

const require = createRequire(import.meta.url);

function protoDirs(): { file: string; includeDirs: string[] } {
  const sm = dirname(require.resolve('@google-cloud/secret-manager/package.json'));
  const gax = join(dirname(createRequire(join(sm, 'package.json')).resolve('google-gax')), '..', '..');
  return {
    file: 'google/cloud/secretmanager/v1/service.proto',
    includeDirs: [join(sm, 'build', 'protos'), join(gax, 'build', 'protos')],
  };
}

export interface GcpSecret {
  /** Version payloads, oldest first (version 1 is the first). */
  versions: string[];
  disabled?: number[];
  /** Default true; false answers PERMISSION_DENIED, as for a missing IAM binding. */
  readable?: boolean;
  /** Sends a wrong data_crc32c (a payload damaged on the way). */
  corrupt?: boolean;
}

export interface GcpTestServer {
  url: string;
  /** Every AccessSecretVersion name asked so far, in order. */
  asked(): string[];
  /** The `authorization` metadata of each call so far ('' when none was sent). */
  authorization(): string[];
  stop(): Promise<void>;
}

/** Starts the server in a child process on a free loopback port; secrets keyed `projects/P/secrets/S`. */
export async function startGcpSecretManager(secrets: Record<string, GcpSecret>): Promise<GcpTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gcp-sm-'));
  const log = join(dir, 'calls.jsonl');
  writeFileSync(join(dir, 'secrets.json'), JSON.stringify(secrets));
  writeFileSync(log, '');
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const seen = (d: Buffer) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`gcp test server exited (${code}): ${out}`)));
  });
  const calls = () => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { name: string; authorization: string });
  return {
    url: `http://127.0.0.1:${port}`,
    asked: () => calls().map((c) => c.name),
    authorization: () => calls().map((c) => c.authorization),
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

async function serve(dir: string): Promise<void> {
  const secrets = JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')) as Record<string, GcpSecret>;
  const { file, includeDirs } = protoDirs();
  const def = protoLoader.loadSync(file, { includeDirs, keepCase: false, longs: String, enums: String, defaults: true });
  const pkg = grpc.loadPackageDefinition(def) as any;
  const service = pkg.google.cloud.secretmanager.v1.SecretManagerService.service as grpc.ServiceDefinition;
  const server = new grpc.Server();
  server.addService(service, {
    accessSecretVersion(call: grpc.ServerUnaryCall<{ name: string }, unknown>, done: grpc.sendUnaryData<unknown>) {
      const name = call.request.name;
      const authorization = String(call.metadata.get('authorization')[0] ?? '');
      appendFileSync(join(dir, 'calls.jsonl'), JSON.stringify({ name, authorization }) + '\n');
      const m = /^(projects\/[^/]+\/secrets\/[^/]+)\/versions\/([^/]+)$/.exec(name);
      const fail = (code: grpc.status, details: string) => done({ code, details, name: 'Error', message: details });
      if (!m) return fail(grpc.status.INVALID_ARGUMENT, `Invalid resource field value in the request: ${name}`);
      const secret = secrets[m[1]!];
      if (secret?.readable === false) {
        return fail(grpc.status.PERMISSION_DENIED, `Permission 'secretmanager.versions.access' denied for resource '${name}'`);
      }
      if (!secret) return fail(grpc.status.NOT_FOUND, `Secret [${m[1]}] not found or has no versions.`);
      const enabled = secret.versions.map((_, i) => i + 1).filter((n) => !secret.disabled?.includes(n));
      const n = m[2] === 'latest' ? enabled.at(-1) : Number(m[2]);
      if (!n || !Number.isInteger(n) || n > secret.versions.length) {
        return fail(grpc.status.NOT_FOUND, `Secret Version [${m[1]}/versions/${m[2]}] not found.`);
      }
      if (secret.disabled?.includes(n)) {
        return fail(grpc.status.FAILED_PRECONDITION, `Secret Version [${m[1]}/versions/${n}] is in DISABLED state.`);
      }
      const data = Buffer.from(secret.versions[n - 1]!, 'utf8');
      done(null, { name: `${m[1]}/versions/${n}`, payload: { data, dataCrc32c: String((crc32c(data) ^ (secret.corrupt ? 1 : 0)) >>> 0) } });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  process.stdout.write(`listening ${port}\n`);
  process.once('SIGTERM', () => server.forceShutdown());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await serve(process.argv[2]!);
