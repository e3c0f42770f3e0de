// The EC2 client floatd uses: one attempt per call (the reconciler owns retries and counts every
// call), short timeouts, and a keep-alive connection pool warmed at startup so the first claim
// after a failover does not pay for DNS, TCP, TLS and credential resolution.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface Ec2ClientOptions {
  /** Default: the SDK's chain (AWS_REGION, shared config); discovery gives it from IMDS. */
  readonly region?: string | undefined;
  /** An EC2-compatible endpoint (the emulator, a VPC endpoint); default: the SDK's per region. */
  readonly endpoint?: string | undefined;
  /** Longest one API call may take (the SDK's own timeout; call.ts also aborts at this). */
  readonly callTimeoutMs: number;
  /** TCP/TLS connect timeout; default min(callTimeoutMs, 1000). */
  readonly connectTimeoutMs?: number | undefined;
  /** Default: the SDK's chain (env vars, shared files, SSO, web identity, instance profile). */
  readonly credentials?: EC2ClientConfig['credentials'];
}

export function createEc2Client(options: Ec2ClientOptions): EC2Client {
  const agentOptions = { keepAlive: true, keepAliveMsecs: 10_000, maxSockets: 16 };
  const requestHandler = new NodeHttpHandler({
    httpAgent: new HttpAgent(agentOptions),
    httpsAgent: new HttpsAgent(agentOptions),
    connectionTimeout: options.connectTimeoutMs ?? Math.min(options.callTimeoutMs, 1_000),
    requestTimeout: options.callTimeoutMs,
    // Without this the handler only logs a warning when requestTimeout passes.
    throwOnRequestTimeout: true,
  });
  return new EC2Client({
    maxAttempts: 1,
    requestHandler,
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });
}

export interface WarmUpOptions {
  readonly signal?: AbortSignal | undefined;
}

/**
 * Resolve credentials (the default chain may read IMDS for the instance profile) and open a
 * pooled connection to the endpoint with an unsigned GET: no EC2 action is called, so this needs
 * no IAM permission and is not an API call the reconciler counts. The answer (an error page) is
 * ignored; only the connection matters. Rejects when credentials or the endpoint are unreachable.
 */
export async function warmUp(client: EC2Client, options: WarmUpOptions = {}): Promise<void> {
  await client.config.credentials();
  const url = await endpointUrl(client);
  const { response } = await client.config.requestHandler.handle(
    {
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path: url.pathname,
      query: {},
      headers: { host: url.host },
    },
    options.signal === undefined ? {} : { abortSignal: options.signal },
  );
  await drain(response.body);
}

async function endpointUrl(client: EC2Client): Promise<URL> {
  const config = client.config;
  if (config.endpoint !== undefined) {
    const ep = await config.endpoint();
    const port = ep.port === undefined ? '' : `:${ep.port}`;
    return new URL(`${ep.protocol}//${ep.hostname}${port}${ep.path}`);
  }
  const resolved = config.endpointProvider({
    Region: await config.region(),
    UseFIPS: await config.useFipsEndpoint(),
    UseDualStack: await config.useDualstackEndpoint(),
  });
  return new URL(resolved.url.href);
}

/** Read the body to its end so the socket goes back to the pool. */
async function drain(body: unknown): Promise<void> {
  if (body === null || typeof body !== 'object' || !(Symbol.asyncIterator in body)) return;
  for await (const _chunk of body as AsyncIterable<unknown>) {
    // discard
  }
}
