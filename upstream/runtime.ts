import type { Clock } from '../cassettes/index.js'
import type { Account, TokenIssuer } from './account.js'
import type { DialectProfile } from './dialects/profile.js'
import type { SeededRandom } from './random.js'

/** What every handler of one fake cloud shares: dialect, time, randomness, account, settings. */
export interface CloudRuntime {
  readonly profile: DialectProfile
  readonly clock: Clock
  readonly random: SeededRandom
  readonly account: Account
  readonly tokens: TokenIssuer
  readonly buildPolls: number
  readonly actionPolls: number
  /** The next creation number of a server or image, across all regions (it seeds the new id). */
  nextSeq(kind: 'server' | 'image'): number
}

/** Creates the runtime with its creation counters. */
export function createRuntime(fields: Omit<CloudRuntime, 'nextSeq'>): CloudRuntime {
  const counters = { server: 0, image: 0 }
  return {
    ...fields,
    nextSeq: (kind) => {
      counters[kind] += 1
      return counters[kind]
    },
  }
}
