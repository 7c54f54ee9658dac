import { novaAnswers, novaLocal, stopNova } from './nova-local.js'

/**
 * Starts nova-local for the lane, or reuses a running one with NOVA_LOCAL_REUSE=1. The returned
 * teardown stops it whatever the tests did (the suite itself stops it before replaying, so this
 * often finds it stopped already).
 */
export default async function setup(): Promise<() => Promise<void>> {
  const reuse = process.env['NOVA_LOCAL_REUSE'] === '1'
  if (reuse) {
    if (!(await novaAnswers())) throw new Error('NOVA_LOCAL_REUSE=1, but nothing answers on http://127.0.0.1:8774: run ../shared/nova-local/start.sh first.')
  } else {
    if (await novaAnswers()) {
      throw new Error('A Nova already answers on http://127.0.0.1:8774: stop it (../shared/nova-local/stop.sh) or set NOVA_LOCAL_REUSE=1 to use it.')
    }
    process.stderr.write('nova lane: starting nova-local (about 40 s)\n')
    process.stderr.write(await novaLocal('start.sh'))
  }
  return async () => {
    await stopNova()
  }
}
