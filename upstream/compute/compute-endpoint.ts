import { resolveOperation, type ResolvedOperation } from '../../cassettes/index.js'
import type { RegionState } from '../compute-state.js'
import { ApiFault } from '../http/api-fault.js'
import { negotiateFormat } from '../http/negotiate-format.js'
import { parseRequestBody } from '../http/request-body.js'
import { header, type Endpoint, type IncomingRequest, type Route } from '../http/serve-request.js'
import type { CloudRuntime } from '../runtime.js'
import { plantAsyncFault } from './async-fault.js'
import { dispatchCompute } from './dispatch.js'

/** `/.xml` and `/v2/.xml`: a bare suffix segment, which picks the format only (001 §1.9.1, §1.9.2). */
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
  const url = request.url.replace(BARE_SUFFIX, '/')
  const resolved = resolveOperation({
    method: request.method,
    url,
    body: request.body,
    contentType: header(request, 'content-type'),
    accept: header(request, 'accept'),
  })
  return {
    operation: resolved.key,
    format: negotiateFormat(request.url, header(request, 'accept')),
    answer: (decision) => {
      authenticate(runtime, resolved, request)
      if (decision?.asyncFault) plantAsyncFault(runtime, region, resolved.params, decision.asyncFault)
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
