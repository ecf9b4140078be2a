import { GUARDED, playRows } from "./harness/flowRows";

/**
 * The flow matrix: each row plays a flow of a stack's life through the flow
 * harness (the engine's steps across resources and runs, azure-native's real
 * create/update/delete, resource hooks) against the emulator. Every run is
 * held to invariants (c) and (d) by FlowWorld.up; each row states exactly
 * which accounts ARM deleted, purged and restored, so invariants (a) (no live
 * account deleted or purged unless the program stopped declaring it and the
 * user asked) and (b) (an adopted account is never deleted or purged) are
 * explicit in its expectations; and each row ends with a converged stack (the
 * next up is a no-op).
 */

// The guard with an azure-native account (the RecoveredAccount rows are tests/recoveredFlows.test.ts, so two workers share them).
playRows(GUARDED);
