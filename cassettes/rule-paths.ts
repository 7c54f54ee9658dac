import { CloudtapeError } from './errors.js'

/** One step of a compiled path: `deep` for `..` / `//`, `*` matches any key, index or name. */
interface PathStep {
  readonly deep: boolean
  readonly name: string | number
}

/** A JSON or XML rule path compiled once, matched against the walker's stack of keys. */
export interface CompiledPath<T> {
  readonly steps: readonly PathStep[]
  readonly value: T
}

/** Rule paths indexed by their last step, so a walker looks at a handful per value, not all of them. */
export interface PathIndex<T> {
  readonly byLast: ReadonlyMap<string | number, ReadonlyArray<CompiledPath<T>>>
  readonly wildcard: ReadonlyArray<CompiledPath<T>>
}

const JSON_STEP = /^(?:(\.\.?)(\*|[^.[\]]+)|(\.\.)?\[(\*|\d+|'[^']*'|"[^"]*")\])/

/**
 * Compiles `$.access.token.expires`, `$..updated`, `$.servers[*].id`, `$['OS-DCF:diskConfig']`.
 * Fails with the rule name and what is wrong.
 */
export function compileJsonPath(path: string, rule: string): PathStep[] {
  if (!path.startsWith('$')) throw badPath(rule, path, 'a JSON path starts with "$"')
  const steps: PathStep[] = []
  let rest = path.slice(1)
  while (rest.length > 0) {
    const match = JSON_STEP.exec(rest)
    if (!match) throw badPath(rule, path, `cannot read "${rest}"`)
    if (match[2] !== undefined) steps.push({ deep: match[1] === '..', name: match[2] })
    else steps.push({ deep: match[3] === '..', name: bracketName(match[4] as string) })
    rest = rest.slice(match[0].length)
  }
  if (steps.length === 0) throw badPath(rule, path, 'the path names no field')
  return steps
}

function bracketName(inner: string): string | number {
  if (inner === '*') return '*'
  if (/^\d+$/.test(inner)) return Number(inner)
  return inner.slice(1, -1)
}

const XML_STEP = /^(\/\/?)(@?(?:\*|[A-Za-z_][\w.:-]*))/

/**
 * Compiles `/access/token/@expires`, `//@updated`, `//server/created` over element local names.
 * An attribute step (`@name`) can only come last.
 */
export function compileXmlPath(path: string, rule: string): PathStep[] {
  const steps: PathStep[] = []
  let rest = path
  while (rest.length > 0) {
    const match = XML_STEP.exec(rest)
    if (!match) throw badPath(rule, path, `cannot read "${rest}" (steps are /name, //name, /@attr, *)`)
    if (steps.some((step) => String(step.name).startsWith('@'))) throw badPath(rule, path, 'an attribute step must be the last')
    steps.push({ deep: match[1] === '//', name: localName(match[2] as string) })
    rest = rest.slice(match[0].length)
  }
  if (steps.length === 0) throw badPath(rule, path, 'an XML path starts with "/" or "//"')
  return steps
}

function localName(name: string): string {
  const at = name.startsWith('@') ? '@' : ''
  const bare = at ? name.slice(1) : name
  // Prefixes vary between documents: match on local names only.
  return at + bare.slice(bare.lastIndexOf(':') + 1)
}

function badPath(rule: string, path: string, why: string): CloudtapeError {
  return new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Invalid path "${path}" in volatile rule "${rule}": ${why}. Fix the rule's path.`)
}

/** Builds the index of compiled paths by their last step. */
export function indexPaths<T>(paths: ReadonlyArray<CompiledPath<T>>): PathIndex<T> {
  const byLast = new Map<string | number, Array<CompiledPath<T>>>()
  const wildcard: Array<CompiledPath<T>> = []
  for (const path of paths) {
    const last = (path.steps.at(-1) as PathStep).name
    if (last === '*') wildcard.push(path)
    else byLast.set(last, [...(byLast.get(last) ?? []), path])
  }
  return { byLast, wildcard }
}

/** The first rule whose path matches the stack (keys and indices from the root; for XML, local names and `@attr`). */
export function findPathMatch<T>(index: PathIndex<T>, stack: ReadonlyArray<string | number>): T | undefined {
  const last = stack.at(-1)
  if (last === undefined) return undefined
  const candidates = index.byLast.get(last)
  if (candidates) {
    for (const path of candidates) if (matchesFrom(path.steps, 0, stack, 0)) return path.value
  }
  for (const path of index.wildcard) if (matchesFrom(path.steps, 0, stack, 0)) return path.value
  return undefined
}

function matchesFrom(steps: readonly PathStep[], step: number, stack: ReadonlyArray<string | number>, at: number): boolean {
  if (step === steps.length) return at === stack.length
  const current = steps[step] as PathStep
  if (!current.deep) return at < stack.length && stepMatches(current, stack[at] as string | number) && matchesFrom(steps, step + 1, stack, at + 1)
  for (let index = at; index < stack.length; index += 1) {
    if (stepMatches(current, stack[index] as string | number) && matchesFrom(steps, step + 1, stack, index + 1)) return true
  }
  return false
}

function stepMatches(step: PathStep, key: string | number): boolean {
  if (step.name === '*') return !(typeof key === 'string' && key.startsWith('@'))
  return step.name === key
}
