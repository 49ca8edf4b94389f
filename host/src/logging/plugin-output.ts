/**
 * Everything a plugin instance writes to the host's log, bounded in its worker before it
 * is posted: log calls, stdout and stderr share one byte budget (limits.max_output_bytes);
 * past it one "output truncated" record is sent and the rest is dropped. A message is cut
 * at max_message_bytes, a log call keeps its first max_log_fields fields.
 */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export type OutputSource = 'log' | 'stdout' | 'stderr';

export interface OutputLimits {
  maxOutputBytes: number;
  maxMessageBytes: number;
  maxLogFields: number;
}

/** Longest field name kept (the rest is cut). */
export const MAX_FIELD_NAME_BYTES = 256;

export type OutputRecord =
  | { type: 'log'; level: LogLevel; message: string; fields: [string, string][]; dropped?: LogDropped }
  | { type: 'output'; stream: 'stdout' | 'stderr'; bytes: Uint8Array }
  | { type: 'output-truncated'; stream: OutputSource; limit: number };

/** What a bounded log call lost: fields past the limit, bytes cut from the message. */
export interface LogDropped {
  fields?: number;
  messageBytes?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `s` cut to at most `maxBytes` bytes of UTF-8 (never inside a character). */
export function truncateUtf8(s: string, maxBytes: number): { text: string; cutBytes: number } {
  if (s.length * 3 <= maxBytes) return { text: s, cutBytes: 0 };
  const bytes = Buffer.byteLength(s);
  if (bytes <= maxBytes) return { text: s, cutBytes: 0 };
  // At most maxBytes characters can fit; encode only those, then cut before the first
  // byte that is not kept unless it starts a character.
  const head = encoder.encode(s.slice(0, maxBytes));
  let end = Math.min(maxBytes, head.length);
  while (end > 0 && end < head.length && (head[end]! & 0xc0) === 0x80) end--;
  const text = decoder.decode(head.subarray(0, end));
  return { text, cutBytes: bytes - Buffer.byteLength(text) };
}

export class PluginOutputBudget {
  #left: number;
  #truncated = false;

  constructor(private readonly limits: OutputLimits, private readonly post: (r: OutputRecord) => void) {
    this.#left = limits.maxOutputBytes;
  }

  log(level: LogLevel, message: string, fields: [string, string][]): void {
    if (this.#truncated) return;
    const { maxMessageBytes, maxLogFields } = this.limits;
    const dropped: LogDropped = {};
    const msg = truncateUtf8(String(message), maxMessageBytes);
    if (msg.cutBytes > 0) dropped.messageBytes = msg.cutBytes;
    const kept: [string, string][] = [];
    let bytes = Buffer.byteLength(msg.text);
    const n = Math.min(fields.length, maxLogFields);
    for (let i = 0; i < n; i++) {
      const [k, v] = fields[i]!;
      const key = truncateUtf8(String(k), MAX_FIELD_NAME_BYTES).text;
      const value = truncateUtf8(String(v), maxMessageBytes).text;
      bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
      kept.push([key, value]);
    }
    if (fields.length > n) dropped.fields = fields.length - n;
    if (!this.#spend(bytes, 'log')) return;
    const record: OutputRecord = { type: 'log', level, message: msg.text, fields: kept };
    if (Object.keys(dropped).length > 0) record.dropped = dropped;
    this.post(record);
  }

  output(stream: 'stdout' | 'stderr', bytes: Uint8Array): void {
    if (this.#truncated) return;
    if (bytes.byteLength <= this.#left) {
      this.#left -= bytes.byteLength;
      this.post({ type: 'output', stream, bytes });
      return;
    }
    if (this.#left > 0) this.post({ type: 'output', stream, bytes: bytes.slice(0, this.#left) });
    this.#stop(stream);
  }

  #spend(bytes: number, source: OutputSource): boolean {
    if (bytes <= this.#left) {
      this.#left -= bytes;
      return true;
    }
    this.#stop(source);
    return false;
  }

  #stop(source: OutputSource): void {
    this.#left = 0;
    this.#truncated = true;
    this.post({ type: 'output-truncated', stream: source, limit: this.limits.maxOutputBytes });
  }
}
