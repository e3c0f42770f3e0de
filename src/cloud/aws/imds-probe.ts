// Is this host in EC2? Ask the instance metadata service (IMDSv2) for a token, briefly.
// Used by `mode: auto` to prefer unicast where multicast does not exist (every public cloud).
import type { Logger } from 'pino';
import { request } from 'undici';

/** The link-local IMDS address; FLOATD_IMDS_ENDPOINT points tests and the lab at a fake. */
export const DEFAULT_IMDS_ENDPOINT = 'http://169.254.169.254';

export async function probeInstanceMetadata(
  logger: Logger,
  endpoint = process.env.FLOATD_IMDS_ENDPOINT ?? DEFAULT_IMDS_ENDPOINT,
  timeoutMs = 500,
): Promise<boolean> {
  try {
    const response = await request(new URL('/latest/api/token', endpoint), {
      method: 'PUT',
      headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump();
    const inCloud = response.statusCode === 200;
    logger.info({ endpoint, status: response.statusCode, inCloud }, 'instance metadata probe');
    return inCloud;
  } catch (error) {
    logger.info(
      { endpoint, reason: (error as Error).message },
      'no instance metadata service: not a cloud host',
    );
    return false;
  }
}
