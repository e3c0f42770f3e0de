// The order of an instance's claims. An Elastic IP mapped to a private address that a
// secondary-ip target of the same instance moves can only be associated once that address is on
// our ENI: EC2 refuses AssociateAddress with InvalidParameterValue before (AWS EC2 API reference,
// AssociateAddress: PrivateIpAddress must be an address of the network interface). So that EIP's
// claim follows the secondary-ip claim's acceptance; every other claim goes at once.
import type { CloudTarget } from '../target.js';
import { targetName } from '../target.js';

/** For each target, the index of the target whose claim it waits for, or undefined. */
export function claimDependencies(targets: readonly CloudTarget[]): (number | undefined)[] {
  return targets.map((target) => {
    if (target.kind !== 'elastic-ip') return undefined;
    const index = targets.findIndex(
      (other) => other.kind === 'secondary-ip' && other.address === target.privateIp,
    );
    return index < 0 ? undefined : index;
  });
}

/** One line per target, for `floatd validate` and `floatd plan`: what goes when. */
export function explainClaimOrder(targets: readonly CloudTarget[]): string[] {
  const after = claimDependencies(targets);
  return targets.map((target, i) => {
    const dependency = after[i];
    const name = targetName(target);
    if (dependency === undefined) return `${name}: claimed at once`;
    const first = targets[dependency];
    const firstName = first === undefined ? '?' : targetName(first);
    return (
      `${name}: claimed once ${firstName} is accepted ` +
      '(the Elastic IP maps to that address, which must be on this ENI first)'
    );
  });
}
