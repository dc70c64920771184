/**
 * The built service (`dist/src/main.js`, made by the global test setup) in a process of its own, as
 * `npm start` runs it: on a free port, with its own data directory, ready once it says where it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

export interface ServiceProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port>, without /graphql. */
  baseUrl: string;
  graphqlUrl: string;
  /** Everything the process printed so far. */
  output(): string;
  /** When `child` exits (the shell, with `underShell`). */
  exited: Promise<number | null>;
  /** When the service's output closes: it has exited, however it was started. */
  closed: Promise<void>;
}

export interface ServiceProcessOptions {
  /**
   * Start it as `npm start` does: npm runs the script in a shell, which stays in between as the service's
   * parent (`child` is then the shell).
   */
  underShell?: boolean;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startServiceProcess(
  env: Record<string, string>,
  options: ServiceProcessOptions = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  let output = '';
  const child = spawnService(env, port, options);
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const closed = new Promise<void>((resolve) => child.stdout?.once('close', () => resolve()));
  for (let i = 0; i < 150 && !output.includes('GraphQL API at'); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!output.includes('GraphQL API at')) {
    child.kill('SIGKILL');
    throw new Error(`the service did not start:\n${output}`);
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  return { child, baseUrl, graphqlUrl: `${baseUrl}/graphql`, output: () => output, exited, closed };
}

/** Starts the service expecting it to refuse to start: its exit code and what it printed. */
export async function serviceStartFailure(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  let output = '';
  const child = spawnService(env, await freePort());
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

function spawnService(
  env: Record<string, string>,
  port: number,
  options: ServiceProcessOptions = {},
): ChildProcess {
  // "; true" keeps the shell from replacing itself with node, as some shells do for a lone command.
  const [command, args] = options.underShell
    ? ['sh', ['-c', '"$SERVICE_NODE" dist/src/main.js; true']]
    : [process.execPath, ['dist/src/main.js']];
  return spawn(command, args, {
    cwd: root,
    env: {
      ...process.env,
      SEED_DEMO_DATA: 'false',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'pfp-process-')),
      ...env,
      PORT: String(port),
      SERVICE_NODE: process.execPath,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
