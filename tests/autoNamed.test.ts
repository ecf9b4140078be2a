import { ReclaimableAccount } from "../provider";

/**
 * A ReclaimableAccount without accountName, in a real run (no mocks): azure-native would name the account
 * at its own check (the resource name plus a random suffix), after the soft-delete handling looked up a name
 * the account never has. The component refuses before it registers anything; the message names the fix.
 */
it("a ReclaimableAccount without accountName is refused at construction, naming the property and the fix", () => {
  expect(() => new ReclaimableAccount("ai", { location: "eastus", resourceGroupName: "rg-ai" } as never)).toThrow(
    /ReclaimableAccount ai: accountName is required \(got undefined\).*set accountName \(for example accountName: "ai"\)/,
  );
});
