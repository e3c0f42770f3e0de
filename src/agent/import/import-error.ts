// The import failed as a whole (the main file could not be read); problems inside the file are
// diagnostics instead.
import { FloatdError } from '../errors.js';

export class KeepalivedImportError extends FloatdError {
  override readonly code = 'FLOATD_ERR_IMPORT';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
