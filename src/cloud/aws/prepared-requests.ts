// Claims prepared while BACKUP: each claim command runs through the real EC2 client's pipeline
// (serialise, endpoint, SigV4) ahead of time and the signed request is kept, not sent. At the
// MASTER decision the first claim is only written to the socket: no SDK work stands between the
// decision and the request. A prepared request is used once and only while its signature is
// fresh (AWS refuses requests signed more than a few minutes ago); otherwise, and for every
// retry, the ordinary SDK path runs.
import type {
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  EC2Client,
  ReplaceRouteCommand,
} from '@aws-sdk/client-ec2';
import { performance } from 'node:perf_hooks';
import { FloatdError } from '../errors.js';

/** The parts of the SDK's signed request we keep and send (smithy's HttpRequest). */
interface SignedRequest {
  readonly method: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  readonly path: string;
  readonly query: Record<string, string | string[] | null>;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

interface Prepared {
  readonly request: SignedRequest;
  readonly preparedAtMs: number;
}

/** The claims that can be prepared; a command's class and input identify its request. */
export type ClaimCommand =
  AssignPrivateIpAddressesCommand | AssociateAddressCommand | ReplaceRouteCommand;

/** SigV4 requests are refused once older than 5 minutes (AWS); stay well inside that. */
export const PREPARED_MAX_AGE_MS = 4 * 60_000;

class Captured extends FloatdError {
  override readonly code = 'FLOATD_ERR_CAPTURED';

  constructor(readonly request: SignedRequest) {
    super('captured, not sent');
  }
}

function keyOf(command: ClaimCommand): string {
  return `${command.constructor.name} ${JSON.stringify(command.input)}`;
}

export class PreparedRequests {
  private readonly store = new Map<string, Prepared>();
  private readonly capturing = new WeakSet<object>();

  constructor(
    private readonly client: EC2Client,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    // After signing, before the handler: a capture keeps the signed request and stops there.
    client.middlewareStack.add(
      (next) => (args) => {
        if (this.capturing.has(args.input as object)) {
          return Promise.reject(new Captured(args.request as SignedRequest));
        }
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'floatdCapturePrepared' },
    );
  }

  /** Run `command` through the pipeline up to the wire and keep the signed request. */
  async prepare(command: ClaimCommand): Promise<void> {
    this.capturing.add(command.input);
    try {
      // One overload per command class in the SDK's types; any of the three is fine here.
      await this.client.send(command as AssignPrivateIpAddressesCommand);
    } catch (error) {
      if (error instanceof Captured) {
        this.store.set(keyOf(command), { request: error.request, preparedAtMs: this.nowMs() });
        return;
      }
      throw error;
    } finally {
      this.capturing.delete(command.input);
    }
  }

  /** The fresh signed request for this very command, removed from the store (used once). */
  take(command: ClaimCommand): SignedRequest | undefined {
    const key = keyOf(command);
    const prepared = this.store.get(key);
    if (prepared === undefined) return undefined;
    this.store.delete(key);
    return this.nowMs() - prepared.preparedAtMs < PREPARED_MAX_AGE_MS
      ? prepared.request
      : undefined;
  }

  get size(): number {
    return this.store.size;
  }

  /**
   * Send a prepared request with the client's own HTTP handler. Resolves on HTTP 200; otherwise
   * rejects with an error shaped like the SDK's (name = EC2's code, $metadata, $fault), so the
   * caller classifies it the same way.
   */
  async send(request: SignedRequest, abortSignal: AbortSignal): Promise<void> {
    const { response } = await this.client.config.requestHandler.handle(request as never, {
      abortSignal,
    });
    const body = await readText(response.body);
    if (response.statusCode === 200) return;
    const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? `HTTP${response.statusCode}`;
    const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? body.slice(0, 200);
    const requestId = /<Request(?:ID|Id)>([^<]*)<\/Request(?:ID|Id)>/.exec(body)?.[1];
    throw Object.assign(new Error(message), {
      name: code,
      $fault: response.statusCode >= 500 ? 'server' : 'client',
      $metadata: { httpStatusCode: response.statusCode, requestId },
    });
  }
}

async function readText(body: unknown): Promise<string> {
  if (body === null || typeof body !== 'object' || !(Symbol.asyncIterator in body)) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
