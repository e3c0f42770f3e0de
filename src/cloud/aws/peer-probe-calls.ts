// The EC2 calls of the split-brain diagnosis' peer probe (unicast.probe: ec2, peer-instance.ts):
// not tied to any cloud target, so they stand beside awsCallsFor's per-target plan, and the IAM
// policy grants them only when some instance probes its peers through EC2.

export interface PeerProbeCallOptions {
  /** Some instance has `unicast.probe: ec2`: the peer probe reads instance states. */
  readonly ec2PeerProbe?: boolean | undefined;
}

export const PEER_PROBE_CALLS: readonly string[] = ['DescribeInstances'];

/** The calls made beside every target's: the EC2 peer probe's, when it is on. */
export function peerProbeCallsFor(options: PeerProbeCallOptions): readonly string[] {
  return options.ec2PeerProbe === true ? PEER_PROBE_CALLS : [];
}
