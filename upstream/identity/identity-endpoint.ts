import { resolveOperation } from '../../cassettes/index.js'
import type { CatalogService } from '../catalog.js'
import { ApiFault } from '../http/api-fault.js'
import { negotiateFormat } from '../http/negotiate-format.js'
import { documentReply, type Reply } from '../http/reply.js'
import { parseRequestBody } from '../http/request-body.js'
import { header, type Endpoint, type IncomingRequest, type Route } from '../http/serve-request.js'
import type { CloudRuntime } from '../runtime.js'
import { XML_NAMESPACES } from '../xml-namespaces.js'
import { xml } from '../xml-writer.js'
import { accessDocument } from './access-document.js'
import { checkCredentials, isScoped, readAuthRequest } from './auth-request.js'

/** Identity v2.0 on its own origin: `POST /v2.0/tokens` (001 §1.3), and the version document. */
export function createIdentityEndpoint(runtime: CloudRuntime, identityUrl: string, catalog: () => readonly CatalogService[], defaultRegion: string): Endpoint {
  return {
    target: 'identity',
    route: (request) => routeIdentity(runtime, request, { identityUrl, catalog, defaultRegion }),
    commonHeaders: () => ({ Date: new Date(runtime.clock.now()).toUTCString(), Vary: 'Accept, Accept-Encoding' }),
  }
}

interface IdentitySetup {
  readonly identityUrl: string
  readonly catalog: () => readonly CatalogService[]
  readonly defaultRegion: string
}

function routeIdentity(runtime: CloudRuntime, request: IncomingRequest, setup: IdentitySetup): Route {
  const resolved = resolveOperation({ method: request.method, url: request.url })
  return {
    operation: resolved.key,
    format: negotiateFormat(request.url, header(request, 'accept')),
    answer: () => {
      if (resolved.key === 'identity.tokens.create') return createToken(runtime, request, setup)
      if (resolved.path === '/v2.0/tokens') throw new ApiFault('badMethod', `${request.method} is not allowed on /v2.0/tokens: authenticate with POST.`)
      if (resolved.path === '/v2.0' && request.method === 'GET') return versionReply(setup.identityUrl)
      throw new ApiFault('itemNotFound', 'The resource could not be found.')
    },
  }
}

function createToken(runtime: CloudRuntime, request: IncomingRequest, setup: IdentitySetup): Reply {
  const auth = readAuthRequest(parseRequestBody(request.body, header(request, 'content-type')))
  const dialect = runtime.profile.dialect
  checkCredentials(auth, runtime.account, dialect)
  const grant = { dialect, account: runtime.account, token: runtime.tokens.issue(), catalog: setup.catalog(), scoped: isScoped(auth, dialect), defaultRegion: setup.defaultRegion }
  return documentReply(200, accessDocument(grant))
}

function versionReply(identityUrl: string): Reply {
  const links = [{ href: `${identityUrl}/`, rel: 'self' }]
  const mediaTypes = [
    { base: 'application/json', type: 'application/vnd.openstack.identity+json;version=2.0' },
    { base: 'application/xml', type: 'application/vnd.openstack.identity+xml;version=2.0' },
  ]
  return documentReply(200, {
    json: () => ({ version: { id: 'v2.0', links, 'media-types': mediaTypes, status: 'stable', updated: '2014-04-17T00:00:00Z' } }),
    xml: () =>
      xml('version', { xmlns: XML_NAMESPACES.identity, 'xmlns:atom': XML_NAMESPACES.atom, id: 'v2.0', status: 'stable', updated: '2014-04-17T00:00:00Z' }, [
        xml('media-types', undefined, mediaTypes.map((media) => xml('media-type', media))),
        ...links.map((link) => xml('atom:link', link)),
      ]),
  })
}
