import net from 'node:net'

/** An answer as it came off the wire. */
export interface RawAnswer {
  readonly status: number
  readonly text: string
}

/**
 * Sends one request with exactly the request target and headers given (fetch would normalize
 * them) and reads the answer until the server closes. Status 0: the server closed without one.
 */
export async function rawRequest(serverUrl: string, method: string, target: string, headers: Record<string, string> = {}, body = ''): Promise<RawAnswer> {
  const { hostname, port } = new URL(serverUrl)
  const lines = [`${method} ${target} HTTP/1.1`, ...Object.entries({ host: `${hostname}:${port}`, ...headers }).map(([name, value]) => `${name}: ${value}`)]
  if (body !== '') lines.push(`content-length: ${Buffer.byteLength(body)}`)
  lines.push('connection: close', '', body)
  const socket = net.connect(Number(port), hostname)
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  await new Promise<void>((resolve) => {
    socket.on('close', () => resolve())
    socket.on('error', () => resolve())
    socket.write(lines.join('\r\n'))
  })
  const text = Buffer.concat(chunks).toString('latin1')
  const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]
  return { status: status === undefined ? 0 : Number(status), text }
}
