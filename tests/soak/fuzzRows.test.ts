import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { playFuzzRow } from "../../fuzz/life";
import type { Step } from "../../fuzz/model";
import { useEmulator } from "../harness/emulator";

/**
 * Every life the fuzzer found and shrank (fuzz/rows/*.json), replayed through the fuzzer's own program and
 * checks: a row of a fixed defect must stay free of violations. A row whose defect is still open says why in
 * `open` and is expected to keep failing; when it stops failing, this suite fails until the row loses `open`.
 * Runs in CI's fuzz step (jest.soak.config.js), outside `npm test`. Needs `npm run build`.
 */
const ctx = useEmulator();
jest.setTimeout(300_000);
const ROWS = resolve(__dirname, "..", "..", "fuzz", "rows");

interface FuzzRowFile {
  flow: string;
  open?: string;
  orderSeed?: number;
  steps: Step[];
}

const rows = readdirSync(ROWS)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((file) => ({ file, row: JSON.parse(readFileSync(join(ROWS, file), "utf8")) as FuzzRowFile }));

it("there are rows to replay", () => expect(rows.length).toBeGreaterThan(0));

for (const { file, row } of rows) {
  const play = async () => {
    const { violations } = await playFuzzRow(ctx.emulator, row.steps, row.orderSeed);
    expect({ file, violations: violations.map((v) => `(${v.invariant}) ${v.message}`) }).toEqual({ file, violations: [] });
  };
  if (row.open) it.failing(`${file} (open: ${row.open.split(":")[0]}): ${row.flow}`, play);
  else it(`${file}: ${row.flow}`, play);
}
