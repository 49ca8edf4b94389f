/**
 * The last line of defence for secrets: every line a host logger writes is scanned for
 * the values of the secrets resolved for the run, and each occurrence is replaced.
 * Values shorter than MIN_SECRET_LENGTH are not scanned (they would match ordinary text).
 */
export const MIN_SECRET_LENGTH = 4;
const CENSOR = '[redacted]';

export class SecretScanner {
  /** The values as they appear inside a JSON string (escaped), longest first. */
  #needles: string[] = [];

  add(values: Iterable<string>): void {
    const set = new Set(this.#needles);
    for (const v of values) {
      if (v.length < MIN_SECRET_LENGTH) continue;
      set.add(v);
      set.add(JSON.stringify(v).slice(1, -1));
    }
    this.#needles = [...set].sort((a, b) => b.length - a.length);
  }

  scan(line: string): string {
    let out = line;
    for (const n of this.#needles) if (out.includes(n)) out = out.split(n).join(CENSOR);
    return out;
  }
}
