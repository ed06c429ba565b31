/**
 * Where a webhook may send (pure rules, no I/O; the sender resolves the name and checks every address it gets,
 * at registration and again before each delivery, so a name re-pointed into the VPC is refused then too).
 *
 * In AWS a target must be https and every address its name resolves to must be public: no loopback, private
 * (RFC 1918, CGNAT, IPv6 unique-local), link-local (169.254.0.0/16, fe80::/10), cloud metadata (169.254.169.254,
 * Alibaba Cloud's 100.100.100.200, fd00:ec2::254), multicast, documentation or otherwise reserved address. The
 * local stack also accepts `http://127.0.0.1:<port>`, so tests and a developer can receive deliveries.
 */
export type AddressKind =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'multicast'
  | 'reserved'
  | 'invalid';

/** Cloud metadata services, refused by name of their own in the error a county admin reads. */
const METADATA_V4 = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', '168.63.129.16']);

/** The four bytes of a dotted IPv4 address, or undefined when it is not one (no octal, no short forms). */
export function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

/** The eight 16-bit groups of an IPv6 address (a zone `%eth0` ignored, an IPv4 tail allowed), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  let rest = text.replace(/^\[|\]$/g, '');
  const zone = rest.indexOf('%');
  if (zone >= 0) rest = rest.slice(0, zone);
  if (!/^[0-9a-fA-F:.]+$/.test(rest)) return undefined;
  if (rest.includes('.')) {
    const lastColon = rest.lastIndexOf(':');
    const v4 = parseIPv4(rest.slice(lastColon + 1));
    if (!v4) return undefined;
    const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
    rest = `${rest.slice(0, lastColon + 1)}${hex(v4[0] ?? 0, v4[1] ?? 0)}:${hex(v4[2] ?? 0, v4[3] ?? 0)}`;
  }
  const halves = rest.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0] ?? '');
  const back = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  const parse = (group: string) =>
    /^[0-9a-fA-F]{1,4}$/.test(group) ? Number.parseInt(group, 16) : Number.NaN;
  const left = head.map(parse);
  const right = back.map(parse);
  if ([...left, ...right].some(Number.isNaN)) return undefined;
  const missing = 8 - left.length - right.length;
  if (halves.length === 1) return missing === 0 ? [...left, ...right] : undefined;
  if (missing < 1) return undefined;
  return [...left, ...new Array<number>(missing).fill(0), ...right];
}

function ipv4Kind([a = 0, b = 0, c = 0, d = 0]: number[]): AddressKind {
  const text = `${a}.${b}.${c}.${d}`;
  if (METADATA_V4.has(text)) return 'metadata';
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // shared address space (CGNAT), RFC 6598
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return 'reserved'; // includes 255.255.255.255
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return 'reserved'; // IETF protocol, TEST-NET-1
  if (a === 198 && (b === 18 || b === 19)) return 'reserved'; // benchmarking
  if ((a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return 'reserved';
  if (a === 192 && b === 88 && c === 99) return 'reserved'; // 6to4 relay anycast
  return 'public';
}

/** What kind of address `ip` is (IPv4 dotted or IPv6 text, brackets allowed); 'invalid' when it is neither. */
export function addressKind(ip: string): AddressKind {
  const v4 = parseIPv4(ip);
  if (v4) return ipv4Kind(v4);
  const g = parseIPv6(ip);
  if (!g) return 'invalid';
  const embedded = (hi: number, lo: number) => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  if (g.every((group) => group === 0)) return 'unspecified';
  if (g.slice(0, 7).every((group) => group === 0) && g7 === 1) return 'loopback';
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d: the IPv4 address decides.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && (g5 === 0xffff || g5 === 0))
    return ipv4Kind(embedded(g6, g7));
  // NAT64 64:ff9b::/96 reaches the IPv4 address it embeds.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0)
    return ipv4Kind(embedded(g6, g7));
  // 6to4 2002::/16 embeds an IPv4 address too.
  if (g0 === 0x2002) {
    const kind = ipv4Kind(embedded(g1, g2));
    if (kind !== 'public') return kind;
  }
  if (
    g0 === 0xfd00 &&
    g1 === 0x0ec2 &&
    g7 === 0x254 &&
    g2 === 0 &&
    g3 === 0 &&
    g4 === 0 &&
    g5 === 0 &&
    g6 === 0
  )
    return 'metadata'; // AWS's IPv6 instance metadata
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xfe00) === 0xfc00) return 'private'; // unique local fc00::/7
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if (g0 === 0x2001 && g1 === 0x0db8) return 'reserved'; // documentation
  if (g0 === 0x2001 && g1 < 0x0200) return 'reserved'; // IETF protocol assignments (Teredo, ORCHID…)
  if ((g0 & 0xe000) !== 0x2000) return 'reserved'; // only 2000::/3 is global unicast
  return 'public';
}

export type TargetCheck =
  | { ok: true; url: URL; host: string; literal: boolean }
  | { ok: false; reason: string };

/** The local stack's one non-https target: the loopback address with a port (tests' receivers listen there). */
const LOCAL_RECEIVER = /^http:\/\/127\.0\.0\.1:\d{1,5}(\/|$)/;

/**
 * Whether a webhook URL may be registered, before any name is resolved: its scheme, no credentials in it, and
 * when its host is an address literal, that address. `cloud` is true in AWS (the API's `WEBHOOK_PUBLIC_ONLY`).
 */
export function checkWebhookUrl(raw: string, options: { cloud: boolean }): TargetCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not an absolute URL' };
  }
  if (url.username || url.password) return { ok: false, reason: 'must not carry a user name or password' };
  if (url.hash) return { ok: false, reason: 'must not have a #fragment' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = addressKind(host) !== 'invalid';
  if (!options.cloud && LOCAL_RECEIVER.test(raw)) return { ok: true, url, host, literal: true };
  if (url.protocol !== 'https:')
    return {
      ok: false,
      reason: options.cloud
        ? 'must be https'
        : 'must be https (or http://127.0.0.1:<port> on the local stack)',
    };
  if (literal) {
    const kind = addressKind(host);
    if (kind !== 'public') return { ok: false, reason: `is a ${kind} address, not a public one` };
  } else if (!/\./.test(host) || /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i.test(host)) {
    return { ok: false, reason: 'names a local host, not a public one' };
  }
  return { ok: true, url, host, literal };
}

/** The first address of a resolved name that may not be sent to, with its kind; undefined when all are public. */
export function refusedAddress(
  addresses: readonly string[],
): { address: string; kind: AddressKind } | undefined {
  for (const address of addresses) {
    const kind = addressKind(address);
    if (kind !== 'public') return { address, kind };
  }
  return undefined;
}
