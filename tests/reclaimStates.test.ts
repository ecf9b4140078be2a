import { selectRows } from "./harness/flows";
import { useEmulator } from "./harness/emulator";
import { firstUpIn, none, POLICIES, recoverFromFailure, STATES, withWorld, writes } from "./harness/reclaimWorld";

/**
 * ReclaimableAccount in every state of the name times every policy, through
 * the flow harness: the first up does what the policy says, and an update of
 * an account property afterwards succeeds without the restore flag.
 */
const ctx = useEmulator();
jest.setTimeout(240_000);

describe.each(selectRows(STATES.flatMap((state) => POLICIES.map((policy) => ({ state, policy })))))("ReclaimableAccount, name $state, ifSoftDeleted $policy", ({ state, policy }) => {
  it("first up does what the policy says, the next up is a no-op; then an update of an account property succeeds and the stack converges", async () => {
    await withWorld(ctx.emulator, "reclaimable", state, policy, async (world, name) => {
      if ((await firstUpIn(world, name, state, policy)) === "failed") {
        await recoverFromFailure(world, name, state);
        if (state === "live, not managed here") return;
      }
      await world.converges();
      const { result, events } = await world.up({ config: { tag: "v2" }, preview: false });
      expect(result.error).toBeUndefined();
      expect(writes(events)).toEqual(none);
      expect(events.puts).toEqual([name]); // the update, without the restore flag (FlowWorld.up checks no flagged PUT was refused)
      // After the update, converged again (the flag left with it); asked where a restore flag was in play.
    }, state === "soft-deleted" && policy === "recover");
  });
});
