import { spawn } from "node:child_process";
import * as path from "node:path";

/** How to run one program, as the language host receives it (pulumirpc.RunRequest). */
export interface ProgramRun {
  /** The project folder (`Pulumi.yaml`'s folder): the working directory and module resolution root. */
  programDir: string;
  /** The entry point, relative to `programDir` (the language host's `Info.EntryPoint`; "." for `package.json#main`). */
  program: string;
  project: string;
  stack: string;
  organization: string;
  monitorAddress: string;
  engineAddress: string;
  dryRun: boolean;
  /** Stack config, `namespace:key` → value. */
  config: Record<string, string>;
  secretKeys: string[];
  env: NodeJS.ProcessEnv;
  /** `runtime.options.typescript` of Pulumi.yaml: the SDK loads the program through ts-node. */
  typescript: boolean;
  /** Kill the program if it has not exited by then (a hung program must not hang the test run). */
  timeoutInMs: number;
}

/** What the program's process printed and how it ended. */
export interface ProgramExit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a Pulumi program the way pulumi-language-nodejs runs it
 * (sdk/nodejs/cmd/pulumi-language-nodejs/main.go, constructArguments,
 * constructConfig, execNodejs): `node <@pulumi/pulumi/cmd/run> --monitor …
 * --engine … --organization … --project … --root-directory … --stack …
 * --pwd … [--dry-run] <entry point>` in the program's folder, with the config
 * in `PULUMI_CONFIG` (keys as `<namespace>:config:<name>`) and the secret keys
 * in `PULUMI_CONFIG_SECRET_KEYS`. The SDK's own run entry is resolved from
 * the program's folder, so the program loads the packages its project holds.
 */
export function runProgram(run: ProgramRun): Promise<ProgramExit> {
  const entry = path.dirname(require.resolve("@pulumi/pulumi/cmd/run", { paths: [run.programDir] }));
  const args = [
    entry,
    "--monitor", run.monitorAddress,
    "--engine", run.engineAddress,
    "--organization", run.organization,
    "--project", run.project,
    "--root-directory", run.programDir,
    "--stack", run.stack,
    "--pwd", run.programDir,
    ...(run.dryRun ? ["--dry-run"] : []),
    run.program,
  ];
  const config = Object.fromEntries(
    Object.entries(run.config).map(([key, value]) => {
      const at = key.indexOf(":");
      return [`${key.slice(0, at)}:config:${key.slice(at + 1)}`, value];
    }),
  );
  const env: NodeJS.ProcessEnv = { ...run.env, PULUMI_CONFIG: JSON.stringify(config), PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(run.secretKeys) };
  // main.go, RunPlugin / Run: "PULUMI_NODEJS_TYPESCRIPT=true" when the project's typescript option is on.
  if (run.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  else delete env.PULUMI_NODEJS_TYPESCRIPT;
  const child = spawn(process.execPath, args, { cwd: run.programDir, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stderr += `the program did not exit within ${run.timeoutInMs} ms (timeoutInMs); killed\n`;
      child.kill("SIGKILL");
    }, run.timeoutInMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
