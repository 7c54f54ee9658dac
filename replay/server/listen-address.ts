import { CloudtapeError } from '../../cassettes/index.js'

/** Where a server listens. */
export interface ListenAddress {
  readonly host: string
  readonly port: number
}

/** 127.0.0.1 and a free port: never exposed beyond the machine unless asked. */
export const DEFAULT_LISTEN: ListenAddress = { host: '127.0.0.1', port: 0 }

/** Parses `host:port`, `[::1]:port`, `:port` or `port`; the host defaults to 127.0.0.1. */
export function parseListen(value: string | Partial<ListenAddress> | undefined): ListenAddress {
  if (value === undefined) return DEFAULT_LISTEN
  if (typeof value === 'object') return { host: value.host ?? DEFAULT_LISTEN.host, port: checkPort(value.port ?? 0, JSON.stringify(value)) }
  const match = /^(?:\[([^\]]+)\]|([^:]*))?:?(\d+)$/.exec(value.trim())
  if (!match) throw invalid(value)
  const host = match[1] ?? (match[2] || DEFAULT_LISTEN.host)
  return { host, port: checkPort(Number(match[3]), value) }
}

function checkPort(port: number, shown: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid(shown)
  return port
}

function invalid(shown: string): CloudtapeError {
  return new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Invalid listen address "${shown}". Expected host:port (127.0.0.1:8080), :port or port; port 0 picks a free one.`)
}

/** The origin clients use for an address (IPv6 hosts in brackets). */
export function originFor(host: string, port: number): string {
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host
  return `http://${shown}:${port}`
}
