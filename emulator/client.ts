import { request } from "node:https";
import type { SeedRequest, RemoveRequest } from "./control";
import { CONTROL_TOKEN_VARIABLE } from "./controlAuth";
import type { FaultRule } from "./faults";
import type { LoggedRequest } from "./server";
import type { OperationOutcomeFault, Settings, StoreState } from "./store";

/**
 * A client of the emulator's control interface (`/_emulator/...`), for tests,
 * the demo and the benchmark. It sends the run's control token: the one
 * `startEmulator()` gave it, or for an emulator started apart
 * (`npm run emulator`), `$RECLAIM_EMULATOR_CONTROL_TOKEN`.
 */
export class EmulatorClient {
  constructor(
    readonly url: string,
    private readonly certificate: string,
    private readonly token: string | undefined = process.env[CONTROL_TOKEN_VARIABLE],
  ) {}

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const text = body === undefined ? "" : JSON.stringify(body);
    return new Promise<T>((resolve, reject) => {
      const req = request(
        `${this.url}${path}`,
        {
          method,
          ca: this.certificate,
          headers: {
            "Content-Type": "application/json",
            "Content-Length": Buffer.byteLength(text),
            ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const payload = Buffer.concat(chunks).toString("utf8");
            if ((res.statusCode ?? 500) >= 400) reject(new Error(`emulator control ${method} ${path}: ${res.statusCode} ${payload}`));
            else resolve((payload ? JSON.parse(payload) : undefined) as T);
          });
        },
      );
      req.on("error", reject);
      req.end(text);
    });
  }

  /** The routes, as `GET /_emulator/` lists them. */
  routes(): Promise<{ authentication: string; documentation: string; routes: { method: string; path: string; summary: string }[] }> {
    return this.call("GET", "/_emulator/");
  }
  health(): Promise<unknown> {
    return this.call("GET", "/_emulator/health");
  }
  reset(): Promise<void> {
    return this.call("POST", "/_emulator/reset");
  }
  seed(seed: SeedRequest): Promise<void> {
    return this.call("POST", "/_emulator/seed", seed);
  }
  remove(what: RemoveRequest): Promise<void> {
    return this.call("POST", "/_emulator/remove", what);
  }
  /** Moves the emulator's clock forward (soft-deleted accounts expire 48 h after deletion). */
  advanceClock(advanceMs: number): Promise<{ now: string }> {
    return this.call("POST", "/_emulator/clock", { advanceMs });
  }
  settings(settings: Partial<Settings>): Promise<Settings> {
    return this.call("PATCH", "/_emulator/settings", settings);
  }
  addFault(rule: FaultRule): Promise<void> {
    return this.call("POST", "/_emulator/faults", rule);
  }
  /** Makes the next `times` operations of a kind end `Failed` / `Canceled`, or never end. */
  addOperationFault(fault: OperationOutcomeFault): Promise<void> {
    return this.call("POST", "/_emulator/operation-faults", fault);
  }
  /** Ends every running operation now. */
  finishOperations(): Promise<void> {
    return this.call("POST", "/_emulator/operations/finish");
  }
  requests(): Promise<LoggedRequest[]> {
    return this.call("GET", "/_emulator/requests");
  }
  clearRequests(): Promise<void> {
    return this.call("DELETE", "/_emulator/requests");
  }
  state(): Promise<{ state: StoreState; tokensIssued: number; throttled: number; now: number }> {
    return this.call("GET", "/_emulator/state");
  }
}
