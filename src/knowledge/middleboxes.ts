/**
 * Well-known idle timeouts of servers and middleboxes, with their sources, so that a measured idle
 * timeout can be recognised by name ("350 s: AWS NAT Gateway / NLB"). Facts from the project's
 * reference notes (shared/reference/idle-timeouts.md); rows marked `verified: false` were not
 * confirmed in a primary source and are worded as "commonly reported" in reports.
 */

/** What the client sees when the timeout strikes. */
export type ExpiryBehaviour =
  /** the box closes the connection gracefully (FIN), e.g. a proxy or server keep-alive timeout */
  | 'fin'
  /** the box answers the next packet of the forgotten connection with RST */
  | 'reset_on_resume'
  /** the box silently drops packets of the forgotten connection */
  | 'drop'
  /** the box sends RST to both sides when the timer expires */
  | 'reset_both'
  /** the box closes, the exact way depends on configuration */
  | 'close';

export type MiddleboxKind = 'load_balancer' | 'nat' | 'firewall' | 'proxy' | 'server' | 'os';

export interface KnownIdleTimeout {
  id: string;
  name: string;
  kind: MiddleboxKind;
  /** default idle timeout in seconds */
  defaultS: number;
  /** how to change it, when it can be changed */
  knob: string | null;
  behaviour: ExpiryBehaviour;
  /** whether TCP keepalive probes reset this timer (false: only application data does) */
  tcpKeepaliveResets: boolean | null;
  source: string;
  verified: boolean;
}

export const KNOWN_IDLE_TIMEOUTS: readonly KnownIdleTimeout[] = [
  {
    id: 'aws_alb',
    name: 'AWS Application Load Balancer',
    kind: 'load_balancer',
    defaultS: 60,
    knob: 'load balancer attribute idle_timeout.timeout_seconds',
    behaviour: 'fin',
    tcpKeepaliveResets: false,
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html',
    verified: true,
  },
  {
    id: 'aws_clb',
    name: 'AWS Classic Load Balancer',
    kind: 'load_balancer',
    defaultS: 60,
    knob: 'ConnectionSettings.IdleTimeout (1-3600 s)',
    behaviour: 'fin',
    tcpKeepaliveResets: false,
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/config-idle-timeout.html',
    verified: true,
  },
  {
    id: 'aws_nlb',
    name: 'AWS Network Load Balancer (TCP/TLS listener)',
    kind: 'load_balancer',
    defaultS: 350,
    knob: 'listener attribute tcp.idle_timeout.seconds (60-6000 s; fixed for TLS listeners)',
    behaviour: 'close',
    tcpKeepaliveResets: true,
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html',
    verified: true,
  },
  {
    id: 'aws_nat_gateway',
    name: 'AWS NAT Gateway',
    kind: 'nat',
    defaultS: 350,
    knob: null,
    behaviour: 'reset_on_resume',
    tcpKeepaliveResets: true,
    source: 'https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-troubleshooting.html',
    verified: false,
  },
  {
    id: 'aws_network_firewall',
    name: 'AWS Network Firewall',
    kind: 'firewall',
    defaultS: 350,
    knob: 'FlowTimeouts.TcpIdleTimeoutSeconds (60-6000 s)',
    behaviour: 'drop',
    tcpKeepaliveResets: true,
    source: 'https://docs.aws.amazon.com/network-firewall/latest/APIReference/API_FlowTimeouts.html',
    verified: true,
  },
  {
    id: 'aws_sg_conntrack',
    name: 'AWS EC2 security group connection tracking',
    kind: 'firewall',
    defaultS: 432_000,
    knob: 'ConnectionTrackingConfiguration.TcpEstablishedTimeout (60-432000 s)',
    behaviour: 'drop',
    tcpKeepaliveResets: true,
    source: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ConnectionTrackingConfiguration.html',
    verified: true,
  },
  {
    id: 'azure_lb',
    name: 'Azure Load Balancer',
    kind: 'load_balancer',
    defaultS: 240,
    knob: 'idle timeout 4-100 min; "TCP reset on idle" sends RST to both sides',
    behaviour: 'drop',
    tcpKeepaliveResets: true,
    source: 'https://learn.microsoft.com/azure/load-balancer/load-balancer-tcp-reset',
    verified: true,
  },
  {
    id: 'gcp_vpc_firewall',
    name: 'Google Cloud VPC firewall connection tracking',
    kind: 'firewall',
    defaultS: 600,
    knob: null,
    behaviour: 'drop',
    tcpKeepaliveResets: true,
    source: 'https://cloud.google.com/vpc/docs/firewalls',
    verified: false,
  },
  {
    id: 'gcp_envoy_lb',
    name: 'Google Cloud regional external Application Load Balancer',
    kind: 'load_balancer',
    defaultS: 600,
    knob: 'client HTTP keepalive timeout',
    behaviour: 'fin',
    tcpKeepaliveResets: false,
    source: 'https://cloud.google.com/load-balancing/docs/https/request-distribution',
    verified: true,
  },
  {
    id: 'gcp_gfe',
    name: 'Google Cloud global external Application Load Balancer (client side)',
    kind: 'load_balancer',
    defaultS: 610,
    knob: 'client HTTP keepalive timeout (5-1200 s)',
    behaviour: 'fin',
    tcpKeepaliveResets: false,
    source: 'https://cloud.google.com/load-balancing/docs/https/request-distribution',
    verified: true,
  },
  {
    id: 'gcp_cloud_nat',
    name: 'Google Cloud NAT (TCP established)',
    kind: 'nat',
    defaultS: 1200,
    knob: 'tcpEstablishedIdleTimeoutSec',
    behaviour: 'drop',
    tcpKeepaliveResets: true,
    source: 'https://cloud.google.com/nat/docs/overview',
    verified: false,
  },
  {
    id: 'linux_conntrack',
    name: 'Linux netfilter connection tracking (NAT, stateful iptables/nftables firewall)',
    kind: 'firewall',
    defaultS: 432_000,
    knob: 'sysctl net.netfilter.nf_conntrack_tcp_timeout_established',
    behaviour: 'drop',
    tcpKeepaliveResets: true,
    source: 'https://docs.kernel.org/networking/nf_conntrack-sysctl.html',
    verified: true,
  },
  {
    id: 'nginx_client_keepalive',
    name: 'nginx keepalive_timeout (client connections)',
    kind: 'proxy',
    defaultS: 75,
    knob: 'keepalive_timeout',
    behaviour: 'fin',
    tcpKeepaliveResets: false,
    source: 'https://nginx.org/en/docs/http/ngx_http_core_module.html#keepalive_timeout',
    verified: true,
  },
  {
    id: 'nginx_upstream_keepalive',
    name: 'nginx upstream keepalive_timeout',
    kind: 'proxy',
    defaultS: 60,
    knob: 'keepalive_timeout in an upstream block',
    behaviour: 'fin',
    tcpKeepaliveResets: false,
    source: 'https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive_timeout',
    verified: true,
  },
  {
    id: 'node_http_server',
    name: 'Node.js http.Server keepAliveTimeout',
    kind: 'server',
    defaultS: 5,
    knob: 'server.keepAliveTimeout',
    behaviour: 'fin',
    tcpKeepaliveResets: false,
    source: 'https://nodejs.org/docs/latest-v20.x/api/http.html#serverkeepalivetimeout',
    verified: true,
  },
  {
    id: 'home_router',
    name: 'Home router NAT (e.g. Linksys BEFSR41)',
    kind: 'nat',
    defaultS: 7200,
    knob: null,
    behaviour: 'drop',
    tcpKeepaliveResets: true,
    source: 'http://www.dslreports.com/faq/7792',
    verified: false,
  },
];

/**
 * HAProxy has no default (infinite `timeout client`/`timeout server`; it warns at start-up when
 * they are missing), so a measured value cannot be recognised as "HAProxy's default": it is
 * whatever the configuration says. Kept as a note for reports rather than a row with a number.
 */
export const HAPROXY_NOTE =
  'HAProxy has no default idle timeout: `timeout client` / `timeout server` (and `timeout http-keep-alive`, `timeout tunnel`) set it; check haproxy.cfg (source: HAProxy configuration.txt).';

/** Known timeouts whose default lies within the measured bracket, widened by `slack` (relative). */
export function matchKnownTimeouts(loS: number, hiS: number, slack = 0.05): KnownIdleTimeout[] {
  return KNOWN_IDLE_TIMEOUTS.filter((row) => row.defaultS >= loS * (1 - slack) && row.defaultS <= hiS * (1 + slack));
}
