import { resolveOperation, type BodyFormat, type ResolvedOperation } from '../../cassettes/index.js'
import type { RegionState } from '../compute-state.js'
import { ApiFault } from '../http/api-fault.js'
import { parseRequestBody } from '../http/request-body.js'
import { header, type Endpoint, type IncomingRequest, type Route } from '../http/serve-request.js'
import type { CloudRuntime } from '../runtime.js'
import { dispatchCompute } from './dispatch.js'

/** `/.xml` and `/v2/.xml`: a bare suffix segment picks the format (001 §1.9.1, §1.9.2). */
const BARE_SUFFIX = /\/\.(json|xml)(?=$|\?)/i

/** The compute API of one region, on its own origin. */
export function createComputeEndpoint(runtime: CloudRuntime, region: RegionState): Endpoint {
  const requestIds = runtime.random.stream(`request-ids:${region.name}`)
  return {
    target: region.name,
    route: (request) => routeCompute(runtime, region, request),
    commonHeaders: () => ({
      Date: new Date(runtime.clock.now()).toUTCString(),
      'X-Compute-Request-Id': `req-${requestIds.uuid()}`,
      Vary: 'Accept, Accept-Encoding',
    }),
  }
}

function routeCompute(runtime: CloudRuntime, region: RegionState, request: IncomingRequest): Route {
  const suffix = BARE_SUFFIX.exec(request.url)
  const url = suffix ? request.url.replace(BARE_SUFFIX, '/') : request.url
  const resolved = resolveOperation({
    method: request.method,
    url,
    body: request.body,
    contentType: header(request, 'content-type'),
    accept: header(request, 'accept'),
  })
  const format: BodyFormat = suffix ? ((suffix[1] as string).toLowerCase() as BodyFormat) : resolved.format
  return {
    operation: resolved.key,
    format,
    answer: () => {
      authenticate(runtime, resolved, request)
      const body = request.method === 'POST' || request.method === 'PUT' ? parseRequestBody(request.body, header(request, 'content-type')) : undefined
      return dispatchCompute({ runtime, region, operation: resolved.key, params: resolved.params, query: resolved.query, body }, resolved, request)
    },
  }
}

/** Versions need no token; everything else needs the current token and the account's tenant. */
function authenticate(runtime: CloudRuntime, resolved: ResolvedOperation, request: IncomingRequest): void {
  if (resolved.key === 'versions.list' || resolved.key === 'versions.get') return
  if (!runtime.tokens.isValid(header(request, 'x-auth-token'))) {
    throw new ApiFault('unauthorized', undefined, { details: 'Send a valid X-Auth-Token: authenticate with POST /v2.0/tokens first.' })
  }
  const tenant = resolved.params['tenant_id']
  if (tenant !== undefined && tenant !== runtime.account.tenantId) {
    throw new ApiFault('unauthorized', `Token not valid for tenant ${tenant}.`)
  }
}
