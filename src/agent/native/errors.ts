// Failures of floatd's own native addon (native/floatd-native). Stable codes: callers branch on
// `code`.
import { FloatdError } from '../errors.js';

/** The addon was not built (or not shipped, or built for another Node): nothing needing it runs. */
export class NativeAddonMissingError extends FloatdError {
  override readonly code = 'FLOATD_ERR_NATIVE_ADDON_MISSING';

  /** Every place looked at, the expected one first. */
  readonly paths: readonly string[];

  constructor(paths: readonly string[], why: string, cause?: unknown) {
    super(
      `floatd's native addon: ${why}: ${paths.join(' or ')} ` +
        '(`npm ci` builds it; `npm run install` rebuilds it)',
      { cause },
    );
    this.paths = paths;
  }
}
