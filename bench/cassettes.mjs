// The cassettes the replay benchmarks serve, built in memory (Rackspace dialect, JSON).
export const TENANT = '999001'
export const DFW = 'https://host-2.example.com'
export const uuid = (n) => `ca55e77e-0000-4000-8000-${String(n).padStart(12, '0')}`

function interaction(id, { method, path, body = null, status, response, params = {}, operation }) {
  return {
    id, operation, documented: true, params: { tenant_id: TENANT, ...params }, occurrence: 0, dialect: 'rackspace', format: 'json',
    request: { method, origin: DFW, path, query: [], headers: body ? { 'content-type': 'application/json' } : {}, body: body ? { kind: 'json', json: body } : null },
    response: { status, headers: { 'content-type': 'application/json' }, body: response === null ? null : { kind: 'json', json: response } },
  }
}

function serverDetail(n) {
  return {
    id: uuid(n), name: `web${n}`, status: 'ACTIVE', progress: 100, hostId: 'e4d909c290d0fb1ca068ffaddf22cbd0', tenant_id: TENANT, user_id: '99990002',
    image: { id: uuid(9000), links: [{ href: `${DFW}/${TENANT}/images/${uuid(9000)}`, rel: 'bookmark' }] },
    flavor: { id: '2', links: [{ href: `${DFW}/${TENANT}/flavors/2`, rel: 'bookmark' }] },
    addresses: { public: [{ addr: `198.51.100.${n % 250}`, version: 4 }], private: [{ addr: `10.176.42.${n % 250}`, version: 4 }] },
    metadata: { 'My Server Name': `web${n}` }, created: '2011-06-09T10:51:53Z', updated: '2011-06-09T10:55:10Z',
    links: [{ href: `${DFW}/v2/${TENANT}/servers/${uuid(n)}`, rel: 'self' }, { href: `${DFW}/${TENANT}/servers/${uuid(n)}`, rel: 'bookmark' }],
  }
}

export const CREATE_BODY = { server: { name: 'web1', imageRef: uuid(9000), flavorRef: '2', metadata: { 'My Server Name': 'web1' } } }

/** The two requests the HTTP benchmarks send, as fetch/autocannon options. */
export const HTTP_REQUESTS = [
  { name: 'servers.listDetail GET', method: 'GET', path: `/v2/${TENANT}/servers/detail`, headers: {}, body: undefined },
  { name: 'servers.create POST', method: 'POST', path: `/v2/${TENANT}/servers`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(CREATE_BODY) },
]

/** A recorded servers.listDetail (10 servers, 8.7 KB) and a servers.create (body matched leaf by leaf). */
export function httpCassette() {
  return {
    version: 1, name: 'bench/http', dialect: 'rackspace', recordedAt: '2011-06-09T10:51:53Z',
    interactions: [
      interaction(1, { method: 'GET', path: `/v2/${TENANT}/servers/detail`, status: 200, operation: 'servers.listDetail', response: { servers: Array.from({ length: 10 }, (_, n) => serverDetail(n + 1)) } }),
      interaction(2, { method: 'POST', path: `/v2/${TENANT}/servers`, status: 202, operation: 'servers.create', body: CREATE_BODY, response: { server: { id: uuid(1), adminPass: 'REDACTED-adminPass-1', links: serverDetail(1).links } } }),
    ],
  }
}

/** N servers.get polls on distinct servers (id, status, progress), each answered once: under core's 64 MiB file cap at 100,000. */
export function bigCassette(size) {
  const interactions = Array.from({ length: size }, (_, n) =>
    interaction(n + 1, {
      method: 'GET', path: `/v2/${TENANT}/servers/${uuid(n + 1)}`, status: 200, operation: 'servers.get', params: { server_id: uuid(n + 1) },
      response: { server: { id: uuid(n + 1), status: 'ACTIVE', progress: 100 } },
    }),
  )
  return { version: 1, name: `bench/${size}`, dialect: 'rackspace', recordedAt: '2011-06-09T10:51:53Z', interactions }
}
