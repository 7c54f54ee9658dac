import type { Clock } from '../cassettes/index.js'
import type { DialectProfile } from './dialects/profile.js'
import type { FakeCloudCredentials } from './options.js'
import type { SeededRandom } from './random.js'

/** The one account the fake cloud knows: who may authenticate, and as which tenant. */
export interface Account {
  readonly tenantId: string
  readonly tenantName: string
  readonly userId: string
  readonly credentials: FakeCloudCredentials
  /** Cloud Files' own tenant, `MossoCloudFS_<uuid>` (001 Example 1.5); the tenant id for hp. */
  readonly storageTenantId: string
}

/** Creates the account from the seed, keeping any credentials the caller gave. */
export function createAccount(profile: DialectProfile, random: SeededRandom, given: Partial<FakeCloudCredentials>): Account {
  const ids = random.stream('account')
  const tenantId = profile.tenantId(ids)
  const userId = profile.userId(ids)
  const secrets = random.stream('credentials')
  const credentials: FakeCloudCredentials = {
    username: given.username ?? profile.username,
    password: given.password ?? secrets.alphanumeric(16),
    apiKey: given.apiKey ?? secrets.hex(32),
    accessKey: given.accessKey ?? secrets.alphanumeric(20).toUpperCase(),
    secretKey: given.secretKey ?? secrets.alphanumeric(40),
  }
  // HP projects have a name of their own; Rackspace names the tenant by its number (001 Example 1.5).
  const tenantName = profile.dialect === 'hp' ? `${credentials.username}-project` : tenantId
  const storageTenantId = profile.dialect === 'hp' ? tenantId : `MossoCloudFS_${ids.uuid()}`
  return { tenantId, tenantName, userId, credentials, storageTenantId }
}

/** Tokens last a day (001 §1.3). */
export const TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000

/** A token and when it expires (epoch ms). */
export interface IssuedToken {
  readonly id: string
  readonly expiresAt: number
}

/** Issues the account's token: the same one until it expires or is revoked, as Identity does. */
export interface TokenIssuer {
  /** The valid token, a new one if the last expired or was revoked. */
  issue(): IssuedToken
  /** The token compute accepts right now, if any. */
  current(): IssuedToken | null
  isValid(tokenId: string | undefined): boolean
  /** Invalidates the current token: compute answers 401 until the client authenticates again. */
  revoke(): void
}

/** Creates the token issuer; token n is drawn from its own seeded stream. */
export function createTokenIssuer(profile: DialectProfile, random: SeededRandom, clock: Clock): TokenIssuer {
  let count = 0
  let token: IssuedToken | null = null
  const current = (): IssuedToken | null => (token && clock.now() < token.expiresAt ? token : null)
  return {
    issue: () => {
      const valid = current()
      if (valid) return valid
      count += 1
      token = { id: profile.tokenId(random.stream('token', count)), expiresAt: clock.now() + TOKEN_LIFETIME_MS }
      return token
    },
    current,
    isValid: (tokenId) => tokenId !== undefined && current()?.id === tokenId,
    revoke: () => {
      token = null
    },
  }
}
