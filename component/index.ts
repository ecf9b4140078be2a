import * as path from "node:path";
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { PurgedDeletedAccount, ReclaimableAccount, RecoveredAccount } from "./components";

/*
 * The component package's entry (`component/package.json#main`, compiled to `dist/component/index.js`): the nodejs
 * language host runs it as a plugin (`@pulumi/pulumi/cmd/run-plugin <this folder> <engine address>`), and it serves
 * the components over Pulumi's provider protocol (`GetSchema`, `Construct`). The package is named
 * `cognitive-reclaim`, the package of the TypeScript door's type tokens (`cognitive-reclaim:index:ReclaimableAccount`),
 * not the npm name. The schema is inferred from the TypeScript source of this folder, so `dirname` names the source
 * folder (its package.json, tsconfig.json and index.ts), not the folder of the compiled file.
 */
void componentProviderHost({
  name: "cognitive-reclaim",
  dirname: path.resolve(__dirname, "..", "..", "component"),
  components: [ReclaimableAccount, PurgedDeletedAccount, RecoveredAccount],
});
