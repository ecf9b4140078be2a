/**
 * Which of the orders the engine allows a run takes. pulumi/pulumi 3.260 does not run a program's steps one at
 * a time: the step generator handles registrations in arrival order (deployment_executor.go, Execute: one event
 * at a time), but the step executor runs each registration's chain of steps in its own worker
 * (step_executor.go, ExecuteSerial / worker pool, `--parallel` defaults to many), so a later registration is
 * checked and diffed while an earlier one's Create still runs; and the deletes at the end run antichain by
 * antichain, every step of one antichain in parallel (step_generator.go, ScheduleDeletes;
 * step_executor.go, ExecuteParallel).
 *
 * Without a seed the harness takes one fixed legal order (each chain finishes before the next registration is
 * handled; deletes one by one in reverse dependency order), so rows read the same on every run. With a seed,
 * each chain waits a seeded moment before it runs (later registrations are generated meanwhile), and each
 * antichain of deletes runs in a seeded permutation, concurrently. The delete order a seed picks is exact;
 * how a held chain interleaves with the program's next registrations also depends on when the program sends
 * them, so a seed replays the same choices, not always the same interleaving.
 */
export interface OrderOptions {
  seed: number;
}

export class Order {
  private state: number;

  constructor(readonly seed: number | undefined) {
    this.state = (seed ?? 0) >>> 0;
  }

  get seeded(): boolean {
    return this.seed !== undefined;
  }

  /** A number in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** The items in a seeded order (unchanged without a seed). */
  shuffle<T>(items: T[]): T[] {
    const result = [...items];
    if (!this.seeded) return result;
    for (let i = result.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [result[i], result[j]] = [result[j], result[i]];
    }
    return result;
  }

  /** How long a chain of steps waits before it runs, so later registrations are generated meanwhile (0 without a seed). */
  holdMs(): number {
    if (!this.seeded) return 0;
    const roll = this.next();
    // Most chains run at once; some wait long enough for the program's next registrations to arrive.
    return roll < 0.5 ? 0 : Math.floor(roll * 60);
  }
}

export function pause(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
