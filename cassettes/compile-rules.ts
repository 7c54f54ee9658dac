import { CloudtapeError } from './errors.js'
import {
  BUILTIN_VOLATILE_RULES,
  ID_FIELDS,
  ID_HEADERS,
  KEPT_FIELDS,
  KEPT_REQUEST_HEADERS,
  KEPT_RESPONSE_HEADERS,
  SECRET_FIELDS,
  SECRET_HEADERS,
  SECRET_QUERY_PARAMS,
  WELL_KNOWN_HOSTS,
  type FieldAction,
  type FieldRule,
  type NormalizationOptions,
  type VolatileRule,
} from './normalization-rules.js'
import type { IdKind, SecretKind } from './placeholders.js'
import { compileJsonPath, compileXmlPath, indexPaths, type CompiledPath, type PathIndex } from './rule-paths.js'
import { defaultVolatileValue } from './timestamps.js'

/** What a volatile value becomes; null drops a header or query parameter. */
export type Replacer = (value: string) => string | null

export interface CompiledPattern {
  readonly regex: RegExp
  readonly replace: (match: string, groups: readonly string[]) => string
}

/** NormalizationOptions merged with the built-in tables, compiled once per recorder. */
export interface CompiledRules {
  readonly fields: ReadonlyMap<string, readonly FieldRule[]>
  readonly secretHeaders: ReadonlyMap<string, SecretKind>
  readonly idHeaders: ReadonlyMap<string, IdKind>
  readonly keptRequestHeaders: ReadonlySet<string>
  readonly keptResponseHeaders: ReadonlySet<string>
  readonly secretQuery: ReadonlyMap<string, SecretKind>
  readonly volatileHeaders: ReadonlyMap<string, Replacer>
  readonly volatileQuery: ReadonlyMap<string, Replacer>
  readonly volatileJson: PathIndex<Replacer>
  readonly volatileXml: PathIndex<Replacer>
  readonly patterns: readonly CompiledPattern[]
  readonly wellKnownHosts: ReadonlySet<string>
}

/** Names of the built-in volatile rules, for messages and validation. */
export const BUILTIN_RULE_NAMES: readonly string[] = BUILTIN_VOLATILE_RULES.map((rule) => rule.name)

/**
 * Merges user options into the built-in rules and compiles paths and patterns. Fails fast with
 * ERR_CLOUDTAPE_INVALID_OPTION naming the rule and listing valid values.
 */
export function compileRules(options: NormalizationOptions = {}): CompiledRules {
  for (const list of ['volatile', 'disable', 'secretHeaders', 'secretFields', 'keepHeaders'] as const) {
    if (options[list] !== undefined && !Array.isArray(options[list])) {
      throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Invalid rules.${list}: expected an array, got ${typeof options[list]}.`)
    }
  }
  const disabled = new Set(options.disable ?? [])
  for (const name of disabled) {
    if (!BUILTIN_RULE_NAMES.includes(name)) {
      throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Cannot disable unknown volatile rule "${name}". Built-in rules: ${BUILTIN_RULE_NAMES.join(', ')}.`)
    }
  }
  const volatile = [...BUILTIN_VOLATILE_RULES.filter((rule) => !disabled.has(rule.name)), ...(options.volatile ?? [])]
  const secretHeaders = new Map(Object.entries(SECRET_HEADERS))
  for (const header of options.secretHeaders ?? []) secretHeaders.set(header.toLowerCase(), 'secret')
  const kept = (list: readonly string[]): Set<string> => new Set([...list, ...(options.keepHeaders ?? []).map((name) => name.toLowerCase()), ...(options.secretHeaders ?? []).map((name) => name.toLowerCase())])
  const compiled = compileVolatile(volatile)
  return {
    fields: indexFields([...(options.secretFields ?? []).map((name): FieldRule => ({ name, action: { secret: 'secret' } })), ...SECRET_FIELDS, ...KEPT_FIELDS, ...ID_FIELDS]),
    secretHeaders,
    idHeaders: new Map(Object.entries(ID_HEADERS)),
    keptRequestHeaders: kept([...KEPT_REQUEST_HEADERS, ...compiled.replacedHeaders]),
    keptResponseHeaders: kept([...KEPT_RESPONSE_HEADERS, ...compiled.replacedHeaders]),
    secretQuery: new Map(Object.entries(SECRET_QUERY_PARAMS)),
    volatileHeaders: compiled.headers,
    volatileQuery: compiled.query,
    volatileJson: indexPaths(compiled.json),
    volatileXml: indexPaths(compiled.xml),
    patterns: compiled.patterns,
    wellKnownHosts: new Set(WELL_KNOWN_HOSTS),
  }
}

function indexFields(rules: readonly FieldRule[]): Map<string, FieldRule[]> {
  const byName = new Map<string, FieldRule[]>()
  for (const rule of rules) byName.set(rule.name, [...(byName.get(rule.name) ?? []), rule])
  return byName
}

/** The action for a field, given its name and its parent's name; parent-specific rules come first. */
export function fieldAction(rules: CompiledRules, name: string, parent: string | undefined): FieldAction | undefined {
  const candidates = rules.fields.get(name)
  if (!candidates) return undefined
  let general: FieldAction | undefined
  for (const rule of candidates) {
    if (rule.parent === undefined) general ??= rule.action
    else if (rule.parent === parent) return rule.action
  }
  return general
}

interface CompiledVolatile {
  readonly headers: Map<string, Replacer>
  readonly query: Map<string, Replacer>
  readonly json: Array<CompiledPath<Replacer>>
  readonly xml: Array<CompiledPath<Replacer>>
  readonly patterns: CompiledPattern[]
  readonly replacedHeaders: string[]
}

function compileVolatile(rules: readonly VolatileRule[]): CompiledVolatile {
  const result: CompiledVolatile = { headers: new Map(), query: new Map(), json: [], xml: [], patterns: [], replacedHeaders: [] }
  for (const rule of rules) {
    if (typeof rule.name !== 'string' || rule.name === '') {
      throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', 'Every volatile rule needs a non-empty "name", so it can be reported and disabled.')
    }
    const replacer = toReplacer(rule)
    for (const header of rule.headers ?? []) {
      result.headers.set(header.toLowerCase(), replacer)
      if (rule.replace !== null) result.replacedHeaders.push(header.toLowerCase())
    }
    for (const name of rule.query ?? []) result.query.set(name, replacer)
    for (const path of rule.jsonPaths ?? []) result.json.push({ steps: compileJsonPath(path, rule.name), value: replacer })
    for (const path of rule.xmlPaths ?? []) result.xml.push({ steps: compileXmlPath(path, rule.name), value: replacer })
    for (const pattern of rule.patterns ?? []) result.patterns.push(compilePattern(rule, pattern))
  }
  return result
}

function toReplacer(rule: VolatileRule): Replacer {
  const replace = rule.replace
  if (replace === null) return () => null
  if (replace === undefined) return defaultVolatileValue
  if (typeof replace === 'function') return replace
  return () => replace
}

function compilePattern(rule: VolatileRule, pattern: RegExp | string): CompiledPattern {
  let regex: RegExp
  try {
    regex = typeof pattern === 'string' ? new RegExp(pattern, 'g') : new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g')
  } catch (error) {
    throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Invalid pattern in volatile rule "${rule.name}": ${(error as Error).message}. Fix the regular expression.`, { cause: error })
  }
  const replace = rule.replace
  if (typeof replace === 'string') return { regex, replace: (match, groups) => replace.replace(/\$(\d)/g, (_, n: string) => groups[Number(n) - 1] ?? '') }
  if (typeof replace === 'function') return { regex, replace: (match) => replace(match) }
  return { regex, replace: (match) => defaultVolatileValue(match) }
}
