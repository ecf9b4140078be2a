import { processArmPacer } from "../provider/armPacing";
import { armSession } from "../provider/azureSession";
import { nextPollDelayInMs } from "../provider/pollSchedule";
import { GROUP, LOCATION, seedWorld, useEmulator } from "./harness/emulator";

/**
 * One session per process under concurrent first use, and the purge's polls
 * on the adaptive schedule, with the real SDK client and credential against
 * the emulator. Timing is read from the emulator's request log, and only
 * lower bounds are asserted (a poll never comes sooner than the schedule
 * allows), so a slow machine cannot fail them.
 */
const ctx = useEmulator();
const coordinates = (accountName: string) => ({ subscriptionId: ctx.emulator.subscriptionId, resourceGroupName: GROUP, location: LOCATION, accountName });
const pollsOf = async () => (await ctx.emulator.control.requests()).filter((r) => r.kind === "arm" && /\/operationResults\//.test(r.path));
const tokensIssued = async () => (await ctx.emulator.control.state()).tokensIssued;

it("ten concurrent first calls share one session, one credential and one token request", async () => {
  await seedWorld(ctx.emulator, { deleted: ["shared"] });
  const before = await tokensIssued();
  const sessions = await Promise.all(Array.from({ length: 10 }, () => armSession(ctx.emulator.subscriptionId)));
  expect(new Set(sessions).size).toBe(1);
  const found = await Promise.all(sessions.map((session) => session.getDeletedAccount(coordinates("shared"))));
  expect(found.map((d) => d?.accountName)).toEqual(Array(10).fill("shared"));
  expect((await tokensIssued()) - before).toBe(1);
  // The pacing limit is the process's, not the session's: every request has returned its slot.
  expect(processArmPacer()).toMatchObject({ active: 0, queue: [] });
});

it("the pacing limit is the process's: a 429 met by one session holds back another session's requests", async () => {
  await seedWorld(ctx.emulator, { deleted: ["gate"] });
  const other = "00000000-0000-0000-0000-00000000beef";
  const [first, second] = await Promise.all([armSession(ctx.emulator.subscriptionId), armSession(other)]);
  expect(first).not.toBe(second);
  await ctx.emulator.control.addFault({
    method: "GET",
    path: "/deletedAccounts/gate$",
    times: 1,
    response: { status: 429, headers: { "Retry-After": "1" }, body: { error: { code: "TooManyRequests", message: "Please try again after '1' seconds." } } },
  });
  const gated = first.getDeletedAccount(coordinates("gate"));
  let throttledAt: number | undefined;
  while (throttledAt === undefined) {
    throttledAt = (await ctx.emulator.control.requests()).find((r) => r.status === 429)?.at;
    if (throttledAt === undefined) await new Promise((r) => setTimeout(r, 10));
  }
  await second.getDeletedAccount({ ...coordinates("elsewhere"), subscriptionId: other }).catch(() => undefined);
  expect((await gated)?.accountName).toBe("gate");
  const elsewhere = (await ctx.emulator.control.requests()).find((r) => r.path.includes(other) && r.path.endsWith("/elsewhere"));
  // Sent only once the other session's Retry-After had passed (1 ms of slack: the log stamps arrival).
  expect(elsewhere!.at - throttledAt).toBeGreaterThanOrEqual(999);
});

it("a purge polls on the schedule: never sooner than it allows, and until the operation has ended", async () => {
  await seedWorld(ctx.emulator, { deleted: ["paced"] });
  await ctx.emulator.control.settings({ purgeDurationMs: 1500 });
  const session = await armSession(ctx.emulator.subscriptionId);
  const deleted = (await session.getDeletedAccount(coordinates("paced")))!;
  await ctx.emulator.control.clearRequests();
  expect(await session.purgeDeletedAccount(deleted)).toBe("purged");
  const polls = await pollsOf();
  const [operation] = Object.values((await ctx.emulator.control.state()).state.operations);
  const gaps = polls.slice(1).map((p, i) => p.at - polls[i].at);
  // The shortest wait the schedule allows at the start (the round trip counts at most its cap); 1 ms of slack: the log stamps arrival, not sending.
  for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(nextPollDelayInMs(0) - 1);
  expect(polls.at(-1)!.at).toBeGreaterThanOrEqual(operation.finishAt);
  expect(polls.at(-2)!.at).toBeLessThan(operation.finishAt);
  // The plain SDK would poll at 0, 0 and 2 s; the schedule polls about every 280 ms over 1.5 s.
  expect(polls.length).toBeGreaterThan(3);
  expect(polls.length).toBeLessThanOrEqual(1 + Math.ceil(1500 / nextPollDelayInMs(0)) + 1);
});

it("a Retry-After on a poll is honoured: the next poll waits at least that long", async () => {
  await seedWorld(ctx.emulator, { deleted: ["later"] });
  // Time-based only: the realistic default also needs a few polls, which this row is not about.
  await ctx.emulator.control.settings({ purgeDurationMs: 300, purgePollsUntilDone: 0 });
  await ctx.emulator.control.addFault({
    method: "GET",
    path: "/operationResults/",
    times: 1,
    response: { status: 200, headers: { "Retry-After": "1" }, body: { status: "InProgress" } },
  });
  const session = await armSession(ctx.emulator.subscriptionId);
  const deleted = (await session.getDeletedAccount(coordinates("later")))!;
  await ctx.emulator.control.clearRequests();
  expect(await session.purgeDeletedAccount(deleted)).toBe("purged");
  const polls = await pollsOf();
  expect(polls.length).toBe(2);
  expect(polls[1].at - polls[0].at).toBeGreaterThanOrEqual(999);
});
