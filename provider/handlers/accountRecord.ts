import type * as pulumi from "@pulumi/pulumi";
import { accountId } from "../armIds";
import { ACCOUNT_NAME_INPUTS, DIFF_TABLE } from "../diff";
import { handOverRecord, withIdentity } from "../identity";
import { UNKNOWN } from "../inputs";
import { withoutUndefined } from "../lifecycle";
import type { Identity } from "../planner";

/**
 * The state of an {@link AccountRecord}: where the account lives and the
 * identities its azure-native resource has held in this stack, newest last.
 */
export type AccountRecordOutputs = {
  accountName: string;
  resourceGroupName: string;
  subscriptionId: string;
  identities: Identity[];
};

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== UNKNOWN && value !== "" ? value : undefined);

/** The account the account resource's create made in this deployment (its afterCreate hook saw it), if any. */
function identityOf(news: Record<string, unknown>): Identity | undefined {
  const id = text(news.createdId);
  return id ? { id, internalId: text(news.createdInternalId) } : undefined;
}

const recordedIn = (props: Record<string, unknown>): Identity[] => (Array.isArray(props.identities) ? (props.identities as Identity[]) : []);

const coordinatesOf = (props: Record<string, unknown>) => ({
  accountName: String(props.accountName ?? ""),
  resourceGroupName: String(props.resourceGroupName ?? ""),
  subscriptionId: String(props.subscriptionId ?? ""),
});

function outputsOf(news: Record<string, unknown>, identities: Identity[]): AccountRecordOutputs {
  return withoutUndefined({ ...coordinatesOf(news), identities } satisfies AccountRecordOutputs);
}

/** Another account (a name, group or subscription changed) is recorded by a new record; case-insensitive, as ARM ids are. */
function movedKeys(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  return ACCOUNT_NAME_INPUTS.filter((key) => {
    const after = news[key];
    if (after === UNKNOWN) return true; // may be another account: replace, as the engine must assume
    return !DIFF_TABLE[key].same(olds[key] ?? "", after ?? "");
  });
}

/**
 * What an {@link AccountRecord} does: it adds the account that a create of the
 * account resource made (seen by the account's afterCreate hook) to what it
 * recorded, and never sends a request. Nothing else adds to it: a refresh or an
 * update of the account shows whatever is live at the name, another stack's
 * account too. Its delete runs before the account's (it depends on the
 * account), in the provider process that then runs the policy's delete (one
 * plugin process per provider per deployment): it hands the identities to that
 * delete (identity.ts, `handOverRecord`), which purges only a soft-deleted
 * account among them.
 */
export const accountRecordHandlers: pulumi.dynamic.ResourceProvider<Record<string, unknown>, Record<string, unknown>> = {
  async configure() {},

  async check(_olds, news) {
    // Set by the package from the account's outputs, never by the user: passed through.
    return { inputs: news, failures: [] };
  },

  async diff(_id, olds, news) {
    const replaces = movedKeys(olds, news);
    if (replaces.length) {
      // This record's delete comes at the end of the update; hand over now too, in case the policy's delete runs first.
      handOverRecord(coordinatesOf(olds), recordedIn(olds));
      return { changes: true, replaces, deleteBeforeReplace: false };
    }
    const now = identityOf(news);
    const unknown = news.createdId === UNKNOWN || news.createdInternalId === UNKNOWN;
    const known = now !== undefined && recordedIn(olds).some((o) => o.id.toLowerCase() === now.id.toLowerCase() && o.internalId === now.internalId);
    return { changes: unknown || (now !== undefined && !known) };
  },

  async create(inputs) {
    const identities = withIdentity([], [identityOf(inputs)]);
    return { id: `${accountId({ ...coordinatesOf(inputs), location: "" })}/record`, outs: outputsOf(inputs, identities) };
  },

  async read(id, props) {
    return { id, props: props ?? {} };
  },

  async update(_id, olds, news) {
    return { outs: outputsOf(news, withIdentity(recordedIn(olds), [identityOf(news)])) };
  },

  async delete(_id, props) {
    handOverRecord(coordinatesOf(props), recordedIn(props));
  },
};
