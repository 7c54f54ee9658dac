import { execFile } from 'node:child_process'

/** What a client printed and how it exited. */
export interface ClientRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Debian's clients run on Debian's /usr/bin/python3 (the machine's default python3 may be another
 * one that lacks the OpenStack packages), with no OS_* settings from the caller's environment.
 */
function clientEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: `/usr/bin:/bin:${process.env['PATH'] ?? ''}`, HOME: process.env['HOME'] ?? '/tmp', LANG: 'C.UTF-8' }
  return { ...env, ...extra }
}

function runClient(command: string, args: readonly string[], env: Record<string, string>): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { env: clientEnvironment(env), timeout: 180_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`${command} ${args.join(' ')} did not run: ${error.message}\n${stderr}`))
        return
      }
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr })
    })
  })
}

/** OpenStackClient with keystoneauth's admin_token plugin: a fixed endpoint and token, no Keystone. */
export function openstack(endpoint: string, token: string, args: readonly string[]): Promise<ClientRun> {
  return runClient('/usr/bin/openstack', ['--os-auth-type', 'admin_token', '--os-endpoint', endpoint, '--os-token', token, ...args], {})
}

/**
 * novaclient's (deprecated) shell: with admin_token it still wants a project id (from the
 * environment only) and an auth URL it never contacts.
 */
export function nova(endpoint: string, token: string, project: string, args: readonly string[]): Promise<ClientRun> {
  return runClient('/usr/bin/nova', ['--os-auth-type', 'admin_token', '--os-endpoint', endpoint, '--os-token', token, ...args], {
    OS_PROJECT_ID: project,
    OS_AUTH_URL: 'http://127.0.0.1:1/unused',
  })
}
