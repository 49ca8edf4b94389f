/** The dativo:plugin contract version this host implements (see wit/worlds.wit). */
export const CONTRACT_VERSION = '0.1.0';

const parse = (v: string) => v.split('.').map(Number) as [number, number, number];

/**
 * A component built for `found` runs on a host of `CONTRACT_VERSION` when the major
 * versions match (for 0.x: the minor too) and the component's minor is not newer.
 */
export function isCompatible(found: string, host = CONTRACT_VERSION): boolean {
  const [fM, fm] = parse(found);
  const [hM, hm] = parse(host);
  if (fM !== hM) return false;
  return hM === 0 ? fm === hm : fm <= hm;
}

/** The contract version named by an export like "dativo:plugin/reader@0.1.0". */
export function contractVersionOf(exportNames: string[]): { world: 'reader' | 'writer'; version: string } | undefined {
  for (const name of exportNames) {
    const m = /^dativo:plugin\/(reader|writer)@(\d+\.\d+\.\d+)/.exec(name);
    if (m) return { world: m[1] as 'reader' | 'writer', version: m[2]! };
  }
  return undefined;
}
