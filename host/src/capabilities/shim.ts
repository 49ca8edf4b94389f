/**
 * The one place the host touches preview2-shim's Node implementation. Its published
 * types describe the browser build, so the Node-only per-instance factories are typed
 * here by hand. Only per-instance factories and stateless classes are used: never the
 * module-level setters (_setPreopens, _setEnv, ...), which are process-global.
 */
import * as filesystem from '@bytecodealliance/preview2-shim/filesystem';
import * as sockets from '@bytecodealliance/preview2-shim/sockets';
import { clocks, http, io, random } from '@bytecodealliance/preview2-shim';

/* eslint-disable @typescript-eslint/no-explicit-any */
export const createShimFilesystem = (filesystem as any).createFilesystem as (opts: { preopens: Record<string, string> }) => any;
export const createShimSockets = (sockets as any).createSockets as (opts: { enableNetwork: boolean }) => any;
export const shimClocks = clocks as any;
export const shimHttp = http as any;
export const shimIo = io as any;
export const shimRandom = random as any;
