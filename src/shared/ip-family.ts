/**
 * net.isIP without Node's IPv6 pattern for a string that cannot be IPv6. Node's pattern is one
 * large regular expression that V8 compiles on its first two uses: ~9 ms of start-up for any
 * command given a host name (net.isIP('example.com') tries IPv6 after IPv4). Every IPv6 address,
 * with a zone (fe80::1%eth0) or not, has a ':'; a name or an IPv4 address never does.
 */
import { isIPv4, isIPv6 } from 'node:net';

export function ipFamily(host: string): 0 | 4 | 6 {
  if (isIPv4(host)) return 4;
  return host.includes(':') && isIPv6(host) ? 6 : 0;
}
