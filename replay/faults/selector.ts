import type { FaultMatch, FaultRequest } from './types.js'

/**
 * A glob as a RegExp: `*` spans any characters, dots included (`servers.*` covers
 * `servers.action.reboot`), `?` is one character; everything else is literal.
 */
export function globToRegExp(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${source}$`)
}

/** A compiled `match`: one call per request, no allocation. */
export type RequestSelector = (request: FaultRequest) => boolean

/** Compiles a rule's `match` once, when the rule is added. */
export function compileSelector(match: FaultMatch | undefined): RequestSelector {
  if (!match) return () => true
  const operation = compileOperationGlob(match.operation)
  const methods = match.method === undefined ? null : new Set((typeof match.method === 'string' ? [match.method] : match.method).map((m) => m.toUpperCase()))
  const params = Object.entries(match.params ?? {}).map(([name, glob]) => [name, globToRegExp(glob)] as const)
  const path = match.path === undefined ? null : new RegExp(match.path)
  return (request) => {
    if (operation && !operation(request.operation)) return false
    if (methods && !methods.has(request.method.toUpperCase())) return false
    for (const [name, pattern] of params) {
      const value = request.params[name]
      if (value === undefined || !pattern.test(value)) return false
    }
    return !path || path.test(pathInAccount(request))
  }
}

/** `*` matches everything; a leading `!` negates (`!identity.*`: every operation but identity's). */
function compileOperationGlob(glob: string | undefined): ((key: string) => boolean) | null {
  if (glob === undefined || glob === '*') return null
  const negated = glob.startsWith('!')
  const pattern = globToRegExp(negated ? glob.slice(1) : glob)
  return negated ? (key) => !pattern.test(key) : (key) => pattern.test(key)
}

const VERSION = /^\/v\d+(?:\.\d+)?(?=\/|$)/

/**
 * The path inside the account's root, where 001 §1.8.1 anchors rate-limit regexes:
 * `/v2/010101/servers/abc` → `/servers/abc`; Nova's tenant-less `/v2.1/servers` → `/servers`.
 */
export function pathInAccount(request: FaultRequest): string {
  const version = VERSION.exec(request.path)
  if (!version) return request.path
  const rest = request.path.slice(version[0].length)
  const tenant = request.params['tenant_id']
  if (tenant !== undefined && rest.startsWith(`/${tenant}`) && (rest.length === tenant.length + 1 || rest[tenant.length + 1] === '/')) {
    return rest.slice(tenant.length + 1)
  }
  return rest
}
