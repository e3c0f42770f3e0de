// How often the split-brain diagnosis may ask EC2 about one peer (unicast.probe: ec2).
//
// EC2 throttles API requests per account and region, each action with its own token bucket
// shared by every caller of the account (e.g. 100 tokens refilled at 20 per second for a
// non-mutating action: "Request throttling for the Amazon EC2 API"). Every floatd host, the
// serverless controller, autoscaling and the console draw DescribeInstances from that one bucket,
// and a throttled account answers RequestLimitExceeded to all of them. A probe at the VRRP probe
// interval (100 ms by default) from each host of each pair would spend it; one call per peer
// every 5 s at most is a small share, and fast enough for a diagnosis that lasts until fixed.
export const EC2_PROBE_MIN_INTERVAL_MS = 5_000;

/** The EC2 probe's interval for an instance whose probe interval is `probeIntervalMs`. */
export function ec2ProbeIntervalMs(probeIntervalMs: number): number {
  return Math.max(probeIntervalMs, EC2_PROBE_MIN_INTERVAL_MS);
}
