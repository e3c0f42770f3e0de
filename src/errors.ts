// floatd's one error scheme (undici's): a single base class, and one stable code per class,
// fixed as a field, FLOATD_ERR_*. Callers branch on `code` (or instanceof), never on the message.
// Here, above src/agent and src/cloud, so that both use it (src/cloud never imports src/agent).

export class FloatdError extends Error {
  readonly code: string = 'FLOATD_ERR';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
