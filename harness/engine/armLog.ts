import type { LoggedRequest } from "../../emulator/server";

/** One write ARM answered, in the terms the flow invariants speak: an account created, restored, deleted or purged. */
export interface AccountWrite {
  /** `create` / `restore` (PUT of an account, with `properties.restore`), `delete` (DELETE of an account), `purge` (DELETE of a deleted account), `group-delete`. */
  action: "create" | "restore" | "delete" | "purge" | "group-delete";
  /** The account (or group) name, lower-cased as ARM compares names. */
  name: string;
  status: number;
}

const ACCOUNT = /\/providers\/microsoft\.cognitiveservices\/accounts\/([^/?]+)$/i;
const DELETED_ACCOUNT = /\/deletedaccounts\/([^/?]+)$/i;
const GROUP = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/?]+)$/i;

/**
 * The account writes in the emulator's request log, in order: what a reader
 * of the invariants asks ("was a live account deleted or purged?"). Reads,
 * polls and token requests are left out.
 */
export function accountWrites(requests: LoggedRequest[]): AccountWrite[] {
  const writes: AccountWrite[] = [];
  for (const q of requests) {
    if (q.kind !== "arm" || (q.method !== "PUT" && q.method !== "DELETE")) continue;
    const account = ACCOUNT.exec(q.path);
    const deleted = DELETED_ACCOUNT.exec(q.path);
    const group = GROUP.exec(q.path);
    if (account && q.method === "PUT") {
      const restore = (q.body as { properties?: { restore?: boolean } } | undefined)?.properties?.restore === true;
      writes.push({ action: restore ? "restore" : "create", name: account[1].toLowerCase(), status: q.status });
    } else if (account) {
      writes.push({ action: "delete", name: account[1].toLowerCase(), status: q.status });
    } else if (deleted && q.method === "DELETE") {
      writes.push({ action: "purge", name: deleted[1].toLowerCase(), status: q.status });
    } else if (group && q.method === "DELETE") {
      writes.push({ action: "group-delete", name: group[1].toLowerCase(), status: q.status });
    }
  }
  return writes;
}
