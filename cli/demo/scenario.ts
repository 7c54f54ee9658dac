import { ClientFailure, type DemoClient, type ServerView } from './client.js'

/** The server the scenario boots. */
export const DEMO_SERVER_NAME = 'demo-web-1'

/** What the client learned running the scenario: the real values redaction must keep off disk. */
export interface ScenarioOutcome {
  readonly token: string
  readonly tenantId: string
  readonly region: string
  readonly server: ServerView
  /** The adminPass the create answer carried (the client never prints it). */
  readonly adminPass: string | null
  /** The server's last status: ACTIVE after a clean run, ERROR when the API reported a fault. */
  readonly finalStatus: string
}

/**
 * The story an SDK's test suite tells: log in, pick a flavor and an image, boot a server and poll
 * it to ACTIVE, reboot it and poll again, delete it. A server that turns to ERROR is reported and
 * deleted, as a careful client cleans up.
 */
export async function bootRebootDelete(client: DemoClient): Promise<ScenarioOutcome> {
  const session = await client.authenticate()
  const flavor = (await client.listFlavors())[0]
  const image = (await client.listImages())[0]
  if (!flavor || !image) throw new ClientFailure('The endpoint lists no flavor or no image to boot from.')
  const created = await client.createServer(DEMO_SERVER_NAME, image.id, flavor.id)
  let server = await client.waitForStatus(created, 'ACTIVE')
  if (server.status === 'ACTIVE') {
    await client.reboot(server)
    server = await client.waitForStatus(server, 'ACTIVE')
  }
  await client.deleteServer(server)
  return { token: session.token, tenantId: session.tenantId, region: session.region, server, adminPass: created.adminPass ?? null, finalStatus: server.status }
}
