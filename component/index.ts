import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { PurgedDeletedAccount, ReclaimableAccount, RecoveredAccount } from "./components";

/*
 * The component package's entry: the nodejs language host runs this folder as a plugin
 * (`@pulumi/pulumi/cmd/run-plugin <folder> <engine address>`, which loads index.ts through ts-node, or index.js
 * when a build put one here), and it serves the components over Pulumi's provider protocol (`GetSchema`,
 * `Construct`). The package is named `cognitive-reclaim`, the package of the TypeScript door's type tokens
 * (`cognitive-reclaim:index:ReclaimableAccount`), not the npm name. The schema is inferred from the TypeScript source
 * of this folder (its package.json, tsconfig.json and index.ts), which `dirname` names.
 */
void componentProviderHost({
  name: "cognitive-reclaim",
  dirname: __dirname,
  components: [ReclaimableAccount, PurgedDeletedAccount, RecoveredAccount],
});
