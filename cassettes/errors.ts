/**
 * Stable error codes: the public contract. Tests and callers branch on `code`; the wording of
 * messages may change.
 */
export const CLOUDTAPE_ERROR_CODES = [
  'ERR_CLOUDTAPE_INVALID_OPTION',
  'ERR_CLOUDTAPE_CASSETTE_NOT_FOUND',
  'ERR_CLOUDTAPE_CASSETTE_INVALID',
  'ERR_CLOUDTAPE_CASSETTE_NAME',
  'ERR_CLOUDTAPE_CASSETTE_WRITE',
  'ERR_CLOUDTAPE_NO_MATCH',
  'ERR_CLOUDTAPE_UNUSED_INTERACTIONS',
  'ERR_CLOUDTAPE_SECRET_IN_CASSETTE',
  'ERR_CLOUDTAPE_ENGINE_CONFLICT',
  'ERR_CLOUDTAPE_UPSTREAM',
  'ERR_CLOUDTAPE_FAULT_RULE',
  'ERR_CLOUDTAPE_USAGE',
  'ERR_CLOUDTAPE_XML_INVALID',
  'ERR_CLOUDTAPE_DEMO',
] as const

export type CloudtapeErrorCode = (typeof CLOUDTAPE_ERROR_CODES)[number]

/**
 * The one error class cloudtape throws. Messages follow "what failed, on what → why → what to do",
 * and always start with the `[cloudtape]` prefix.
 *
 * @example
 * throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', 'Invalid mode "replya". Expected one of: record, once, passthrough.')
 */
export class CloudtapeError extends Error {
  override name = 'CloudtapeError'
  readonly code: CloudtapeErrorCode

  constructor(code: CloudtapeErrorCode, message: string, options?: ErrorOptions) {
    super(`[cloudtape] ${message}`, options)
    this.code = code
  }
}

/** True when `error` is a CloudtapeError, optionally with the given code. */
export function isCloudtapeError(error: unknown, code?: CloudtapeErrorCode): error is CloudtapeError {
  return error instanceof CloudtapeError && (code === undefined || error.code === code)
}

/**
 * Fails with the allowed values listed, the way every option validator in cloudtape reports.
 */
export function assertOneOf<T extends string>(
  what: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new CloudtapeError(
      'ERR_CLOUDTAPE_INVALID_OPTION',
      `Invalid ${what} ${JSON.stringify(value)}. Expected one of: ${allowed.join(', ')}.`,
    )
  }
}
