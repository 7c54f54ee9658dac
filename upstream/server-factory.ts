import type { AddressBook, AddressEntry, ServerRecord } from './compute-state.js'
import type { UpstreamDialect } from './dialects/profile.js'
import type { RandomStream, SeededRandom } from './random.js'
import { startTransition } from './server-lifecycle.js'

/** The well-known networks of 001 §2.1.2 (they stay as they are in cassettes). */
export const PUBLIC_NETWORK_ID = '00000000-0000-0000-0000-000000000000'
/** The private ServiceNet network. */
export const SERVICENET_NETWORK_ID = '11111111-1111-1111-1111-111111111111'
/** The network HP's examples attach servers to (003 §4.4.1.7). */
export const HP_DEFAULT_NETWORK = 'CloudHorizonNetwork'

/** What a create request asked for, already validated. */
export interface NewServer {
  readonly name: string
  readonly imageId: string
  readonly flavorId: string
  readonly metadata: Map<string, string>
  /** Network uuids, or null for the default networks. */
  readonly networks: readonly string[] | null
  readonly accessIPv4?: string
  readonly accessIPv6?: string
  readonly adminPass?: string
  readonly diskConfig: 'AUTO' | 'MANUAL'
  readonly keyName: string | null
  readonly securityGroups: readonly string[]
}

/** A new server and the password to show once, in the create answer. */
export interface CreatedServer {
  readonly server: ServerRecord
  readonly adminPass: string
}

/**
 * Makes a server in BUILD. Its id, host id, addresses and password come from its own seeded
 * stream, so server n is the same in every run with the same seed.
 */
export function createServerRecord(
  input: NewServer,
  context: { dialect: UpstreamDialect; random: SeededRandom; seq: number; now: number; buildPolls: number },
): CreatedServer {
  const random = context.random.stream('server', context.seq)
  const id = random.uuid()
  const hostId = random.hex(56)
  const addresses = context.dialect === 'hp' ? hpAddresses(random, input.networks) : rackspaceAddresses(random, input.networks)
  const generatedPass = random.alphanumeric(12)
  const availabilityZone = context.dialect === 'hp' ? random.pick(['az1', 'az2', 'az3']) : ''
  const planned = firstPublic(addresses)
  const server: ServerRecord = {
    id,
    seq: context.seq,
    name: input.name,
    imageId: input.imageId,
    flavorId: input.flavorId,
    resizedFrom: null,
    created: context.now,
    updated: context.now,
    hostId,
    metadata: input.metadata,
    addresses,
    accessIPv4: input.accessIPv4 ?? '',
    accessIPv6: input.accessIPv6 ?? '',
    // HP does not support access addresses (003 §4.4.1.6): they stay empty.
    plannedAccess: context.dialect === 'hp' ? { v4: '', v6: '' } : planned,
    diskConfig: input.diskConfig,
    keyName: input.keyName,
    securityGroups: input.securityGroups,
    availabilityZone,
    fault: null,
    status: 'BUILD',
    transition: null,
  }
  startTransition(server, { during: 'BUILD', then: 'ACTIVE', polls: context.buildPolls, onDone: () => fillAccessAddresses(server) }, context.now)
  return { server, adminPass: input.adminPass ?? generatedPass }
}

/** 001 §2.1.3: the access addresses populate once the server is ready. */
export function fillAccessAddresses(server: ServerRecord): void {
  if (server.accessIPv4 === '') server.accessIPv4 = server.plannedAccess.v4
  if (server.accessIPv6 === '') server.accessIPv6 = server.plannedAccess.v6
}

const PUBLIC_BLOCKS = ['50.56', '198.101', '166.78', '162.209'] as const

function publicV4(random: RandomStream): AddressEntry {
  return { version: 4, addr: `${random.pick(PUBLIC_BLOCKS)}.${random.int(1, 254)}.${random.int(1, 254)}` }
}

function publicV6(random: RandomStream): AddressEntry {
  return { version: 6, addr: `2001:4800:780e:0510:d87b:9cbc:ff${random.hex(2)}:${random.hex(4)}` }
}

function privateV4(random: RandomStream, prefix: string): AddressEntry {
  return { version: 4, addr: `${prefix}.${random.int(0, 255)}.${random.int(1, 254)}` }
}

function rackspaceAddresses(random: RandomStream, networks: readonly string[] | null): AddressBook {
  const book = new Map<string, AddressEntry[]>()
  for (const network of networks ?? [PUBLIC_NETWORK_ID, SERVICENET_NETWORK_ID]) {
    if (network === PUBLIC_NETWORK_ID) book.set('public', [publicV4(random), publicV6(random)])
    else if (network === SERVICENET_NETWORK_ID) book.set('private', [privateV4(random, '10.180')])
    // An isolated network (Cloud Networks) is labelled by its uuid here: the fake has no network names.
    else book.set(network, [privateV4(random, '192.168')])
  }
  return book
}

function hpAddresses(random: RandomStream, networks: readonly string[] | null): AddressBook {
  const fixed = (): AddressEntry => ({ version: 4, addr: `10.0.0.${random.int(2, 254)}`, mac: `fa:16:3e:${random.hex(2)}:${random.hex(2)}:${random.hex(2)}` })
  const book = new Map<string, AddressEntry[]>()
  for (const network of networks ?? [HP_DEFAULT_NETWORK]) book.set(network, [fixed()])
  return book
}

function firstPublic(addresses: AddressBook): { v4: string; v6: string } {
  const entries = addresses.get('public') ?? []
  return {
    v4: entries.find((entry) => entry.version === 4)?.addr ?? '',
    v6: entries.find((entry) => entry.version === 6)?.addr ?? '',
  }
}
