import type { Account } from '../account.js'
import type { UpstreamDialect } from '../dialects/profile.js'
import { ApiFault } from '../http/api-fault.js'
import { isRecord } from '../is-record.js'

/** The credentials a token request carries, whatever its format. */
export interface AuthRequest {
  readonly kind: 'password' | 'apiKey' | 'accessKey'
  readonly fields: Readonly<Record<string, string>>
  readonly tenantId?: string
  readonly tenantName?: string
}

/** The credential objects Identity accepts (001 §1.3.2; HP's access keys), by their JSON and XML names. */
const CREDENTIAL_KINDS: ReadonlyArray<readonly [string, AuthRequest['kind'], readonly string[]]> = [
  ['passwordCredentials', 'password', ['username', 'password']],
  ['RAX-KSKEY:apiKeyCredentials', 'apiKey', ['username', 'apiKey']],
  ['apiKeyCredentials', 'apiKey', ['username', 'apiKey']],
  ['apiAccessKeyCredentials', 'accessKey', ['accessKey', 'secretKey']],
]

/** Reads `{"auth": {...}}`; a body without usable credentials is badRequest. */
export function readAuthRequest(body: unknown): AuthRequest {
  const auth = isRecord(body) ? body['auth'] : undefined
  if (!isRecord(auth)) throw new ApiFault('badRequest', 'Invalid request body: expected {"auth": {"passwordCredentials": {"username", "password"}}}.')
  for (const [name, kind, required] of CREDENTIAL_KINDS) {
    const credentials = auth[name]
    if (credentials === undefined) continue
    if (!isRecord(credentials)) throw new ApiFault('badRequest', `Invalid request body: ${name} must be an object.`)
    const fields: Record<string, string> = {}
    for (const field of required) {
      const value = credentials[field]
      if (typeof value !== 'string' || value === '') throw new ApiFault('badRequest', `Invalid request body: ${name} needs a non-empty ${field}.`)
      fields[field] = value
    }
    return {
      kind,
      fields,
      ...(typeof auth['tenantId'] === 'string' ? { tenantId: auth['tenantId'] } : {}),
      ...(typeof auth['tenantName'] === 'string' ? { tenantName: auth['tenantName'] } : {}),
    }
  }
  throw new ApiFault('badRequest', `Invalid request body: no credentials. Send one of: ${CREDENTIAL_KINDS.map(([name]) => name).join(', ')}.`)
}

/**
 * Checks the credentials and the requested tenant against the account; a mismatch is
 * unauthorized (401). API keys are Rackspace's, access keys HP's.
 */
export function checkCredentials(request: AuthRequest, account: Account, dialect: UpstreamDialect): void {
  const expected = account.credentials
  const { fields } = request
  const valid =
    request.kind === 'password'
      ? fields['username'] === expected.username && fields['password'] === expected.password
      : request.kind === 'apiKey'
        ? dialect === 'rackspace' && fields['username'] === expected.username && fields['apiKey'] === expected.apiKey
        : dialect === 'hp' && fields['accessKey'] === expected.accessKey && fields['secretKey'] === expected.secretKey
  if (!valid) {
    const message = request.kind === 'apiKey' ? 'Username or api key is invalid.' : 'Unable to authenticate user with credentials provided.'
    throw new ApiFault('unauthorized', message)
  }
  const wrongTenant =
    (request.tenantId !== undefined && request.tenantId !== account.tenantId) || (request.tenantName !== undefined && request.tenantName !== account.tenantName)
  if (wrongTenant) throw new ApiFault('unauthorized', 'The user has no access to the requested tenant.')
}

/** Whether the token is scoped to the tenant: HP issues unscoped tokens without a tenant (003 §3.1). */
export function isScoped(request: AuthRequest, dialect: UpstreamDialect): boolean {
  return dialect !== 'hp' || request.tenantId !== undefined || request.tenantName !== undefined
}
