#!/usr/bin/env node
// Operation resolution per second: `resolveOperation` (the core's router, used on every recorded
// and replayed request) over a realistic mix of requests, against a baseline written the obvious
// way: one regular expression per template of the operations table, tried in order, the URL
// parsed by WHATWG URL and the action body parsed whole. Both run in this process, alternating.
//
//   npm run build && node bench/resolution.bench.mjs [--quick]
import { OPERATIONS, resolveOperation } from '../dist/cassettes/index.js'
import { QUICK, alternateSync, describeMachine, log, markdownTable, median, nowNs, printSummary, summaryRow } from './harness.mjs'

const ROUNDS = QUICK ? 3 : 7
const PASSES = QUICK ? 2_000 : 10_000
const TENANT = '010101'
const HOST = 'https://dfw.servers.api.rackspacecloud.com'
const SERVER = 'ef079b0c-e610-4dfb-b1aa-b49f07ac48e5'
const IMAGE = '3afe97b2-26dc-49c5-a2cc-a2fc8d80c001'
const JSON_TYPE = 'application/json'
const XML_TYPE = 'application/xml'
const NS = 'http://docs.openstack.org/compute/api/v1.1'

/**
 * What a client session sends, by kind: mostly polls and lists, some creates and actions (JSON
 * and XML bodies), the identity call, format suffixes, the replay server's mount prefix, and
 * requests no documented operation matches.
 */
const MIX = [
  { method: 'GET', url: `/v2/${TENANT}/servers/${SERVER}` },
  { method: 'GET', url: `${HOST}/v2/${TENANT}/servers/${SERVER}`, accept: JSON_TYPE },
  { method: 'GET', url: `/v2/${TENANT}/servers/${SERVER}`, accept: XML_TYPE },
  { method: 'GET', url: `${HOST}/v2/${TENANT}/servers/detail?status=ACTIVE&limit=10` },
  { method: 'GET', url: `/_upstream/https/dfw.servers.api.rackspacecloud.com/v2/${TENANT}/servers/detail` },
  { method: 'GET', url: `/v2/${TENANT}/flavors/detail.json` },
  { method: 'GET', url: `/v2/${TENANT}/images/detail.xml?changes-since=2012-01-01T00:00:00Z` },
  { method: 'GET', url: `/v2/${TENANT}/images/${IMAGE}` },
  { method: 'GET', url: `/v2/${TENANT}/servers/${SERVER}/metadata/My%20Server%20Name` },
  { method: 'GET', url: `/v2/${TENANT}/servers/${SERVER}/ips/public` },
  { method: 'GET', url: `/v2/${TENANT}/os-networksv2` },
  { method: 'GET', url: `/v2/${TENANT}/limits` },
  { method: 'GET', url: `/v2/${TENANT}/os-keypairs` },
  { method: 'POST', url: `${HOST}/v2.0/tokens`, contentType: JSON_TYPE, body: '{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":"jsmith","apiKey":"aaaaa"}}}' },
  { method: 'POST', url: `/v2/${TENANT}/servers`, contentType: JSON_TYPE, body: `{"server":{"name":"web1","imageRef":"${IMAGE}","flavorRef":"2"}}` },
  { method: 'PUT', url: `/v2/${TENANT}/servers/${SERVER}`, contentType: JSON_TYPE, body: '{"server":{"name":"web2"}}' },
  { method: 'DELETE', url: `/v2/${TENANT}/servers/${SERVER}` },
  { method: 'POST', url: `/v2/${TENANT}/servers/${SERVER}/action`, contentType: JSON_TYPE, body: '{"reboot":{"type":"SOFT"}}' },
  { method: 'POST', url: `/v2/${TENANT}/servers/${SERVER}/action`, contentType: JSON_TYPE, body: '{"resize":{"flavorRef":"3"}}' },
  { method: 'POST', url: `/v2/${TENANT}/servers/${SERVER}/action`, contentType: JSON_TYPE, body: '{"createImage":{"name":"backup","metadata":{"a":"b"}}}' },
  { method: 'POST', url: `/v2/${TENANT}/servers/${SERVER}/action`, contentType: JSON_TYPE, body: '{"confirmResize":null}' },
  { method: 'POST', url: `/v2/${TENANT}/servers/${SERVER}/action`, contentType: XML_TYPE, body: `<?xml version="1.0" encoding="UTF-8"?>\n<reboot xmlns="${NS}" type="HARD"/>` },
  { method: 'POST', url: `/v2/${TENANT}/servers/${SERVER}/action`, contentType: XML_TYPE, body: `<?xml version="1.0" encoding="UTF-8"?>\n<changePassword xmlns="${NS}" adminPass="1234567890"/>` },
  { method: 'POST', url: `/v2/${TENANT}/servers/${SERVER}/action`, contentType: JSON_TYPE, body: '{"os-migrateLive":{"host":"x"}}' },
  { method: 'GET', url: `/v2/${TENANT}/os-hypervisors/detail` },
  { method: 'GET', url: '/favicon.ico' },
  { method: 'PATCH', url: `/v2/${TENANT}/servers/${SERVER}` },
]

// ---- baseline: the obvious router, one regex per template, first match wins ----

function escapeRegex(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function compileBaseline() {
  const routes = OPERATIONS.map((operation) => {
    const names = []
    const source = operation.template
      .split(/(\{[^}]+\})/)
      .map((part) => (part.startsWith('{') ? (names.push(part.slice(1, -1)), '([^/]+)') : escapeRegex(part)))
      .join('')
    return { operation, names, regex: new RegExp(`^${source}$`) }
  })
  return (request) => {
    const url = new URL(request.url, 'http://localhost')
    let path = decodeURIComponent(url.pathname).replace(/\.(json|xml)$/, '')
    const version = /\/v\d+(?:\.\d+)?(?:\/|$)/.exec(path)
    if (version) path = path.slice(version.index)
    let action = null
    for (const route of routes) {
      if (route.operation.method !== request.method) continue
      const match = route.regex.exec(path)
      if (!match) continue
      if (route.operation.action !== null) {
        action ??= actionOf(request)
        if (route.operation.action !== action) continue
      }
      const params = Object.fromEntries(route.names.map((name, index) => [name, match[index + 1]]))
      return { key: route.operation.key, params }
    }
    return { key: `unknown:${request.method}:${path}`, params: {} }
  }
}

function actionOf(request) {
  if (/xml/.test(request.contentType ?? '')) return /<(?:[\w-]+:)?([\w-]+)[\s/>]/.exec(request.body.replace(/^<\?xml[^>]*\?>/, ''))?.[1] ?? null
  return Object.keys(JSON.parse(request.body))[0] ?? null
}

// ---- the measurement ----

const baseline = compileBaseline()
const resolvers = {
  resolveOperation: (request) => resolveOperation(request),
  'regex router': baseline,
}

/** Both must give the same key for every documented request, or the comparison means nothing. */
function checkAgreement() {
  const rows = MIX.map((request) => {
    const ours = resolveOperation(request)
    const theirs = baseline(request)
    if (ours.documented && ours.key !== theirs.key) throw new Error(`the baseline resolves ${request.method} ${request.url} to ${theirs.key}, resolveOperation to ${ours.key}`)
    return [request.method, '`' + request.url.replace(HOST, '').slice(0, 70) + '`', ours.key]
  })
  return rows
}

function timeResolver(name) {
  const resolve = resolvers[name]
  let sink = 0
  const start = nowNs()
  for (let pass = 0; pass < PASSES; pass += 1) {
    for (const request of MIX) sink += resolve(request).key.length
  }
  const seconds = (nowNs() - start) / 1e9
  if (sink === 0) throw new Error('nothing resolved')
  return (PASSES * MIX.length) / seconds
}

const keys = checkAgreement()
log(`resolution: ${MIX.length} requests in the mix, ${PASSES} passes a round, ${ROUNDS} alternating rounds`)
for (const name of Object.keys(resolvers)) for (let n = 0; n < 500; n += 1) for (const request of MIX) resolvers[name](request)
const runs = alternateSync(Object.keys(resolvers), ROUNDS, timeResolver)
const ours = median(runs.resolveOperation)
const theirs = median(runs['regex router'])
console.log(`## Operation resolution\n\n${describeMachine()}\n`)
console.log(`${MIX.length} requests, each resolved ${PASSES.toLocaleString('en-US')} times a round, ${ROUNDS} alternating rounds, medians:\n`)
console.log(markdownTable(['resolver', 'resolutions/s (median)', 'rounds'], Object.entries(runs).map(([name, values]) => [name, Math.round(median(values)).toLocaleString('en-US'), values.map((v) => Math.round(v / 1000) + 'k').join(' ')])))
console.log(`\nThe mix:\n\n${markdownTable(['method', 'url', 'resolves to'], keys)}\n`)
printSummary([
  summaryRow({
    benchmark: 'operation resolution',
    measure: `resolveOperation vs one regex per template, ${MIX.length}-request mix`,
    value: ours,
    baseline: theirs,
    unit: '/s',
    target: '-',
    note: 'no target in the issues; the replay server serves ~20,000 req/s',
  }),
])
