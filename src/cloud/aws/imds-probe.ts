// Is this host in EC2? Ask the instance metadata service (IMDSv2) for a token, briefly.
// Used by `mode: auto` to prefer unicast where multicast does not exist (every public cloud).
import type { Logger } from 'pino';
import { DEFAULT_IMDS_ENDPOINT, ImdsClient } from './imds-client.js';

export { DEFAULT_IMDS_ENDPOINT };

export async function probeInstanceMetadata(
  logger: Logger,
  endpoint = process.env.FLOATD_IMDS_ENDPOINT ?? DEFAULT_IMDS_ENDPOINT,
  timeoutMs = 500,
): Promise<boolean> {
  try {
    await new ImdsClient({ endpoint, timeoutMs, tokenTtlSeconds: 60 }).token();
    logger.info({ endpoint, inCloud: true }, 'instance metadata probe');
    return true;
  } catch (error) {
    logger.info(
      { endpoint, reason: (error as Error).message },
      'no instance metadata service: not a cloud host',
    );
    return false;
  }
}
