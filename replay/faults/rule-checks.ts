import { CloudtapeError } from '../../cassettes/errors.js'

/**
 * Small checks shared by the rule validators. Each fails with ERR_CLOUDTAPE_FAULT_RULE naming the
 * rule, the field (a JSON path such as `when.nth`) and what it expects.
 */
export class RuleChecker {
  constructor(private readonly where: string) {}

  fail(field: string, problem: string): never {
    const at = field === '' ? '' : ` at ${field}`
    throw new CloudtapeError('ERR_CLOUDTAPE_FAULT_RULE', `Invalid fault rule ${this.where}${at}: ${problem}`)
  }

  object(value: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(field, `expected an object with fields ${allowed.join(', ')}, got ${describe(value)}.`)
    }
    const record = value as Record<string, unknown>
    const unknown = Object.keys(record).find((key) => !allowed.includes(key))
    if (unknown !== undefined) {
      this.fail(field, `unknown field "${unknown}". Valid fields: ${allowed.join(', ')}.`)
    }
    return record
  }

  string(value: unknown, field: string, pattern?: RegExp, hint?: string): string {
    if (typeof value !== 'string' || value === '' || (pattern && !pattern.test(value))) {
      this.fail(field, `expected ${hint ?? 'a non-empty string'}, got ${describe(value)}.`)
    }
    return value
  }

  integer(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`
      this.fail(field, `expected ${range}, got ${describe(value)}.`)
    }
    return value
  }

  number(value: unknown, field: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.fail(field, `expected a number from ${min} to ${max}, got ${describe(value)}.`)
    }
    return value
  }

  oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(field, `expected one of ${allowed.join(', ')}, got ${describe(value)}.`)
    }
    return value as T
  }

  stringRecord(value: unknown, field: string): Record<string, string> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(field, `expected an object of strings, got ${describe(value)}.`)
    }
    for (const [key, entry] of Object.entries(value)) this.string(entry, `${field}.${key}`)
    return { ...(value as Record<string, string>) }
  }

  regex(value: unknown, field: string): string {
    const source = this.string(value, field)
    try {
      new RegExp(source)
    } catch (error) {
      this.fail(field, `not a valid regular expression (${(error as Error).message}).`)
    }
    return source
  }
}

/** A short, safe rendering of a bad value for messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return String(value)
}
