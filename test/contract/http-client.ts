import http from 'node:http'
import https from 'node:https'

/** What a client under test sends. */
export interface HttpInit {
  readonly method?: string
  readonly headers?: Record<string, string>
  readonly body?: string
}

/** What it gets back. */
export interface HttpResult {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
}

/** A client: native fetch (nock 14 and the server) or node:http(s) (Polly's adapter). */
export type HttpClient = (url: string, init?: HttpInit) => Promise<HttpResult>

export const fetchClient: HttpClient = async (url, init = {}) => {
  const response = await fetch(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, ...(init.body === undefined ? {} : { body: init.body }) })
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => void (headers[name] = value))
  return { status: response.status, headers, text: await response.text() }
}

// Looked up at call time (https.request, not an imported binding) so that patches applied by
// Polly's adapter after import are seen, as they are by CommonJS clients.
export const nodeHttpClient: HttpClient = (url, init = {}) =>
  new Promise((resolve, reject) => {
    const transport = url.startsWith('https:') ? https : http
    const req = transport.request(url, { method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
        resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(init.body)
  })
