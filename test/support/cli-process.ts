/**
 * The built command line (`dist/src/cli/main.js`, made by the global test setup) in a process of its
 * own, as an operator runs it, against a test platform's database and keys.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

export interface CliResult {
  /** The exit code. */
  code: number;
  /** What it printed, stdout then stderr. */
  out: string;
  stdout: string;
}

/**
 * Runs the command with the base environment (a test platform's) and `env` over it; an `env` value of
 * undefined leaves that variable out.
 */
export async function runCli(
  args: string[],
  baseEnv: Record<string, string>,
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const merged: Record<string, string | undefined> = { ...process.env, ...baseEnv, ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/src/cli/main.js', ...args], {
      cwd: root,
      env: merged,
    });
    return { code: 0, out: stdout + stderr, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr, stdout: e.stdout };
  }
}
