import { OPERATIONS, type Operation } from './operation-catalog.js'

/**
 * A trie over path segments, compiled once from the catalog, so resolving a request costs one
 * map lookup per segment whatever the number of operations.
 */
interface RouteNode {
  readonly literals: Map<string, RouteNode>
  param: { readonly name: string; readonly node: RouteNode } | null
  /** method → operation, for plain endpoints. */
  readonly methods: Map<string, Operation>
  /** method → action key → operation, for `POST .../action`. */
  readonly actions: Map<string, Map<string, Operation>>
  /** The template of the operations that end here; null for inner nodes. */
  template: string | null
}

export interface RouteMatch {
  readonly params: Record<string, string>
  /** The template of the endpoint that matched (also when the method or action did not). */
  readonly template: string
  readonly operation: Operation | null
  /** Present when the endpoint dispatches on the body's action key. */
  readonly actions: ReadonlyMap<string, Operation> | null
}

function createNode(): RouteNode {
  return { literals: new Map(), param: null, methods: new Map(), actions: new Map(), template: null }
}

function templateSegments(template: string): string[] {
  return template.split('/').filter((segment) => segment !== '')
}

function insert(root: RouteNode, segments: readonly string[], operation: Operation): void {
  let node = root
  for (const segment of segments) {
    const param = /^\{(.+)\}$/.exec(segment)?.[1]
    if (param !== undefined) {
      if (node.param && node.param.name !== param) {
        throw new Error(`catalog conflict: {${param}} and {${node.param.name}} at the same place in ${operation.template}`)
      }
      node.param ??= { name: param, node: createNode() }
      node = node.param.node
    } else {
      let next = node.literals.get(segment)
      if (!next) {
        next = createNode()
        node.literals.set(segment, next)
      }
      node = next
    }
  }
  node.template = operation.template
  if (operation.action !== null) {
    let byKey = node.actions.get(operation.method)
    if (!byKey) {
      byKey = new Map()
      node.actions.set(operation.method, byKey)
    }
    byKey.set(operation.action, operation)
  } else {
    node.methods.set(operation.method, operation)
  }
}

/** Compute routes are stored without their `/v2/{tenant_id}` prefix; see resolveOperation. */
const COMPUTE_PREFIX = ['v2', '{tenant_id}']

function buildRouters(): { compute: RouteNode; other: RouteNode } {
  const compute = createNode()
  const other = createNode()
  for (const operation of OPERATIONS) {
    const segments = templateSegments(operation.template)
    const isCompute = segments[0] === COMPUTE_PREFIX[0] && segments[1] === COMPUTE_PREFIX[1]
    if (isCompute) insert(compute, segments.slice(2), operation)
    else insert(other, segments, operation)
  }
  return { compute, other }
}

const ROUTERS = buildRouters()

function walk(root: RouteNode, segments: readonly string[], params: Record<string, string>): RouteNode | null {
  let node: RouteNode = root
  for (const segment of segments) {
    const literal = node.literals.get(segment)
    if (literal) {
      node = literal
    } else if (node.param) {
      params[node.param.name] = segment
      node = node.param.node
    } else {
      return null
    }
  }
  return node
}

function toMatch(node: RouteNode, method: string, params: Record<string, string>): RouteMatch | null {
  if (node.template === null) return null
  return {
    params,
    template: node.template,
    operation: node.methods.get(method) ?? null,
    actions: node.actions.get(method) ?? null,
  }
}

/** Matches segments that follow a compute version segment and, for `/v2`, the tenant. */
export function routeCompute(method: string, segments: readonly string[], tenantId: string | null): RouteMatch | null {
  const params: Record<string, string> = tenantId === null ? {} : { tenant_id: tenantId }
  const node = walk(ROUTERS.compute, segments, params)
  return node ? toMatch(node, method, params) : null
}

/** Matches whole paths outside the compute tree (`/`, `/v2`, `/v2.0/tokens`). */
export function routeOther(method: string, segments: readonly string[]): RouteMatch | null {
  const params: Record<string, string> = {}
  const node = walk(ROUTERS.other, segments, params)
  return node ? toMatch(node, method, params) : null
}
