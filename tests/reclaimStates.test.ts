import { type FlowWorld, selectRows } from "./harness/flows";
import { GROUP, useEmulator } from "./harness/emulator";
import { firstUpIn, type NameState, none, type Policy, POLICIES, recoverFromFailure, STATES, withWorld, writes } from "./harness/reclaimWorld";

/**
 * ReclaimableAccount in every state of the name times every policy, through
 * the flow harness: the first up does what the policy says, an update of
 * an account property afterwards succeeds without the restore flag, and
 * destroy (purgeOnDestroy) leaves nothing behind. The rows of the retired
 * tests/reclaimable.test.ts (the same states and policies through the
 * per-resource engine) are merged here; its check rows are in tests/host.test.ts.
 */
const ctx = useEmulator();
jest.setTimeout(240_000);

describe.each(selectRows(STATES.flatMap((state) => POLICIES.map((policy) => ({ state, policy })))))("ReclaimableAccount, name $state, ifSoftDeleted $policy", ({ state, policy }) => {
  it("first up does what the policy says, the next up is a no-op; then an update of an account property succeeds, the stack converges, and destroy cleans up", async () => {
    await withWorld(ctx.emulator, "reclaimable", state, policy, async (world, name) => {
      const before = await world.nameState(name);
      if ((await firstUpIn(world, name, state, policy)) === "failed") {
        if (state === "soft-deleted") refusedAsAsked(world, name);
        await recoverFromFailure(world, name, state);
        if (state === "live, not managed here") return;
      } else if (state !== "live, managed here") {
        await didWhatThePolicySays(world, name, state, policy, before.internalId);
      }
      await world.converges();
      const { result, events } = await world.up({ config: { tag: "v2" }, preview: false });
      expect(result.error).toBeUndefined();
      expect(writes(events)).toEqual(none);
      expect(events.puts).toEqual([name]); // the update, without the restore flag (FlowWorld.up checks no flagged PUT was refused)
      if (state === "soft-deleted" && policy === "fail") return;
      // After the update, converged again (the flag left with it); asked where a restore flag was in play.
      if (state === "soft-deleted" && policy === "recover") await world.converges();
      // destroy cleans up whatever the first up did: azure-native deletes the account (Azure soft-deletes it), then
      // the policy's purgeOnDestroy purges it.
      const destroyed = await world.destroy();
      expect(destroyed.result.error).toBeUndefined();
      expect(writes(destroyed.events)).toEqual({ ...none, accountDeletes: [name], purges: [name] });
      expect(await world.nameState(name)).toMatchObject({ live: false, deleted: false });
    }, false, { purgeOnDestroy: "true" });
  });
});

/** The preview before a refused first up said why, and what to declare instead. */
function refusedAsAsked(world: FlowWorld, name: string): void {
  const preview = world.previews.at(-1)!.output;
  expect(preview).toContain(`account '${name}' in resource group '${GROUP}' (eastus) is soft-deleted`);
  expect(preview).toContain('ifSoftDeleted: "recover"');
  expect(preview).toContain('ifSoftDeleted: "purge"');
}

/**
 * The first up over a free or soft-deleted name: preview said which path, the policy's outputs say what it found
 * and did, the account carried the restore flag only when it was restored, and a restored account is the same
 * account (its internalId: keys, endpoint, data) while a purged one's successor is a new one.
 */
async function didWhatThePolicySays(world: FlowWorld, name: string, state: NameState, policy: Policy, internalIdBefore: string | undefined): Promise<void> {
  const restored = state === "soft-deleted" && policy === "recover";
  const purged = state === "soft-deleted" && policy === "purge";
  expect(world.previews.at(-1)!.output).toContain(
    state === "free" ? `name is free: up will create account '${name}'` : restored ? `up will restore soft-deleted account '${name}'` : `up will purge soft-deleted account '${name}'`,
  );
  const resources = world.stack.resources();
  expect(resources.find((r) => r.type.endsWith(":SoftDeletePolicy"))?.outputs).toMatchObject({ found: state, restore: restored, purged });
  const account = resources.find((r) => r.type === "azure-native:cognitiveservices:Account")!;
  expect((account.inputs.properties as Record<string, unknown>).restore).toBe(restored ? true : undefined);
  const after = await world.nameState(name);
  if (restored) expect(after.internalId).toBe(internalIdBefore);
  else if (purged) expect(after.internalId).not.toBe(internalIdBefore);
}
