import type { LoggedRequest } from "../emulator/server";
import type { StoreState } from "../emulator/store";

/**
 * What ARM holds and what it was asked, in the terms the invariants speak:
 * accounts by identity (`internalId`), and each account write with its group,
 * location and the identity it acted on. The classification of requests
 * follows harness/engine/armLog.ts (accountWrites), keeping the group and
 * location that it drops, so two accounts of one name in two groups stay apart.
 */
export interface AccountView {
  id: string;
  name: string;
  group: string;
  location: string;
  subdomain: string;
}

export interface WorldView {
  live: AccountView[];
  deleted: AccountView[];
  groups: string[];
}

export interface Write {
  action: "create" | "restore" | "delete" | "purge";
  name: string;
  group: string;
  /** For a purge: the location segment of its path. */
  location?: string;
  status: number;
  /** The identity the write acted on, when it could be told (a create's is known only afterwards). */
  id?: string;
}

const lower = (s: string) => s.toLowerCase();
const norm = (s: string) => s.toLowerCase().replace(/\s+/g, "");

function view(a: StoreState["accounts"][string]): AccountView {
  return { id: String(a.properties.internalId ?? ""), name: lower(a.name), group: lower(a.resourceGroupName), location: norm(a.location), subdomain: lower(String(a.properties.customSubDomainName ?? "")) };
}

export function viewOf(state: StoreState): WorldView {
  return {
    live: Object.values(state.accounts).map(view),
    deleted: Object.values(state.deletedAccounts).map((d) => view(d.account)),
    groups: Object.values(state.resourceGroups).map((g) => lower(g.name)),
  };
}

const ACCOUNT = /\/resourcegroups\/([^/]+)\/providers\/microsoft\.cognitiveservices\/accounts\/([^/?]+)$/i;
const DELETED = /\/locations\/([^/]+)\/resourcegroups\/([^/]+)\/deletedaccounts\/([^/?]+)$/i;

/** The account writes of a slice of the request log, each matched to the identity it acted on by replaying them over the world before. */
export function writesOf(requests: LoggedRequest[], before: WorldView, after: WorldView): Write[] {
  const live = new Map(before.live.map((a) => [`${a.group}/${a.name}`, a]));
  const deleted = before.deleted.map((a) => ({ ...a }));
  const writes: Write[] = [];
  for (const q of requests) {
    if (q.kind !== "arm" || (q.method !== "PUT" && q.method !== "DELETE")) continue;
    const path = decodeURIComponent(q.path);
    const account = ACCOUNT.exec(path);
    const purge = DELETED.exec(path);
    if (account) {
      const [group, name] = [lower(account[1]), lower(account[2])];
      const key = `${group}/${name}`;
      if (q.method === "PUT") {
        const restore = (q.body as { properties?: { restore?: boolean } } | undefined)?.properties?.restore === true;
        if (restore) {
          const index = deleted.findIndex((d) => d.group === group && d.name === name);
          const found = index >= 0 ? deleted[index] : undefined;
          writes.push({ action: "restore", name, group, status: q.status, id: found?.id });
          if (found && q.status < 400) {
            deleted.splice(index, 1);
            live.set(key, found);
          }
        } else {
          const existing = live.get(key);
          const made = existing ?? after.live.find((a) => a.group === group && a.name === name) ?? after.deleted.find((a) => a.group === group && a.name === name && !before.deleted.some((b) => b.id === a.id));
          writes.push({ action: "create", name, group, status: q.status, id: made?.id });
          if (made && q.status < 400) live.set(key, made);
        }
      } else {
        const found = live.get(key);
        writes.push({ action: "delete", name, group, status: q.status, id: found?.id });
        if (found && q.status < 400) {
          live.delete(key);
          deleted.push(found);
        }
      }
    } else if (purge && q.method === "DELETE") {
      const [location, group, name] = [norm(purge[1]), lower(purge[2]), lower(purge[3])];
      const index = deleted.findIndex((d) => d.group === group && d.name === name && d.location === location);
      const found = index >= 0 ? deleted[index] : undefined;
      writes.push({ action: "purge", name, group, location, status: q.status, id: found?.id });
      if (found && q.status < 400) deleted.splice(index, 1);
    }
  }
  return writes;
}
