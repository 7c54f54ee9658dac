import { documentReply, type Reply } from '../http/reply.js'
import { XML_NAMESPACES } from '../xml-namespaces.js'
import { xml } from '../xml-writer.js'
import type { ComputeRequest } from './request.js'

interface RateLimit {
  readonly verb: string
  readonly value: number
  readonly unit: 'MINUTE' | 'DAY'
}

interface RateRule {
  readonly uri: string
  readonly regex: string
  readonly limits: readonly RateLimit[]
}

/** The default rate limits of 001 Table 1.3. HP publishes none (003 §4.4.1.4 prints `rate: []`). */
const RACKSPACE_RATES: readonly RateRule[] = [
  { uri: '/os-networksv2', regex: '/v[^/]+/[^/]+/os-networksv2/?.*', limits: [{ verb: 'GET', value: 0, unit: 'MINUTE' }, { verb: 'POST', value: 0, unit: 'DAY' }] },
  { uri: '/servers', regex: '/v[^/]+/[^/]+/servers/?.*', limits: [{ verb: 'GET', value: 1000, unit: 'DAY' }, { verb: 'POST', value: 1000, unit: 'DAY' }] },
  { uri: '*', regex: '.*', limits: [{ verb: 'GET', value: 100, unit: 'MINUTE' }, { verb: 'POST', value: 100, unit: 'MINUTE' }] },
]

/** Absolute limits: the account's maxima, and what the region uses now (the used-limits extension, 001 §3.5). */
function absoluteLimits(request: ComputeRequest): Record<string, number> {
  const { limits, flavors } = request.runtime.profile
  let instances = 0
  let cores = 0
  let ram = 0
  for (const server of request.region.servers.values()) {
    if (server.status === 'DELETED') continue
    const flavor = flavors.find((candidate) => candidate.id === server.flavorId)
    instances += 1
    cores += flavor?.vcpus ?? 0
    ram += flavor?.ram ?? 0
  }
  const { extra, ...maxima } = limits
  return { ...maxima, ...extra, totalCoresUsed: cores, totalInstancesUsed: instances, totalRAMUsed: ram, totalSecurityGroupsUsed: 0, totalKeypairsUsed: 0 }
}

/** 001 Examples 1.23 (JSON) and 1.24 (XML). */
export function limitsReply(request: ComputeRequest): Reply {
  const rates = request.runtime.profile.dialect === 'hp' ? [] : RACKSPACE_RATES
  const nextAvailable = new Date(request.runtime.clock.now()).toISOString()
  const absolute = absoluteLimits(request)
  const limitFields = (limit: RateLimit): Record<string, string | number> => ({ 'next-available': nextAvailable, remaining: limit.value, unit: limit.unit, value: limit.value, verb: limit.verb })
  return documentReply(200, {
    json: () => ({
      limits: {
        absolute,
        rate: rates.map((rule) => ({ limit: rule.limits.map(limitFields), regex: rule.regex, uri: rule.uri })),
      },
    }),
    xml: () =>
      xml('limits', { xmlns: XML_NAMESPACES.common }, [
        xml('rates', undefined, rates.map((rule) => xml('rate', { regex: rule.regex, uri: rule.uri }, rule.limits.map((limit) => xml('limit', limitFields(limit)))))),
        xml('absolute', undefined, Object.entries(absolute).map(([name, value]) => xml('limit', { name, value }))),
      ]),
  })
}
