import { once } from 'node:events'
import type http from 'node:http'
import type net from 'node:net'
import { onTestFinished } from 'vitest'

/** Listens on 127.0.0.1 and a free port, closed with every connection when the test ends; returns the port. */
export async function listenForTest(server: http.Server): Promise<number> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  onTestFinished(async () => {
    server.closeAllConnections()
    server.close()
    await once(server, 'close')
  })
  return (server.address() as net.AddressInfo).port
}
