/** What a fault carries besides its name and message. */
export interface FaultExtra {
  readonly details?: string
  readonly retryAt?: string
  readonly headers?: Record<string, string>
}

/**
 * A documented fault a handler answers with. Handlers throw it to stop where they are; the
 * server turns it into the fault body (renderFault) in the request's format.
 */
export class ApiFault extends Error {
  override name = 'ApiFault'
  readonly fault: string
  /** The message for the body; undefined uses the fault catalog's. */
  readonly faultMessage: string | undefined
  readonly details: string | undefined
  /** overLimit (rackspace): the retryAt attribute, the Retry-After time as xsd:dateTime. */
  readonly retryAt: string | undefined
  readonly headers: Readonly<Record<string, string>>

  constructor(fault: string, message?: string, extra: FaultExtra = {}) {
    super(message ?? `${fault} fault`)
    this.fault = fault
    this.faultMessage = message
    this.details = extra.details
    this.retryAt = extra.retryAt
    this.headers = extra.headers ?? {}
  }
}

/** Shorthand for `throw new ApiFault(...)` in expressions. */
export function apiFault(fault: string, message?: string, extra?: FaultExtra): ApiFault {
  return new ApiFault(fault, message, extra)
}
