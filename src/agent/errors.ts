// The agent's errors share floatd's one base (src/errors.ts): a stable code per class.

export { FloatdError } from '../errors.js';
import { FloatdError } from '../errors.js';

/** A virtual router was configured with values the protocol does not allow. */
export class VrrpConfigError extends FloatdError {
  override readonly code = 'FLOATD_ERR_VRRP_CONFIG';

  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid virtual router: ${problems.join('; ')}`);
    this.problems = problems;
  }
}
