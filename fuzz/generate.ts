import { type AccountDecl, type Form, GROUPS, LOCATIONS, NAMES, OPTIONS, type Policy, type Step } from "./model";

/** A small seeded generator (mulberry32): the same seed gives the same life on every machine. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/**
 * The seed of one life of a run: lives of one run differ, and life i of seed s is the same wherever it runs.
 * The run's seed is mixed on its own before the index joins it: mixing `seed ^ (index + 1)` made runs of nearby
 * seeds replay each other's lives (life 0 of seed 7001 was life 1 of seed 7002: three seeds of three lives ran
 * five distinct lives).
 */
export function lifeSeed(seed: number, index: number): number {
  let h = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h ^ (index + 1), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

export interface LifeShape {
  /** How many commands a life runs at most (bounds its time). */
  commands: number;
}

const POLICIES: Policy[] = ["recover", "purge", "fail"];

function newDecl(rnd: Random, slot: string, form: Form): AccountDecl {
  const accountName = rnd.pick(NAMES);
  return {
    slot,
    form,
    resourceName: `${slot}-${form}`,
    aliases: [],
    accountName,
    resourceGroupName: GROUPS[0],
    location: LOCATIONS[0],
    customSubDomainName: accountName,
    ifSoftDeleted: rnd.pick(POLICIES),
    purgeOnDestroy: rnd.chance(0.3),
    protect: false,
    retainOnDelete: rnd.chance(0.15),
    deleteBeforeReplace: rnd.chance(0.2),
    ignoreChanges: [],
    tag: "v1",
  };
}

/**
 * Generates one life: an opening world (maybe a name already soft-deleted or
 * taken), a first program and up, then a random mix of program edits,
 * commands and world events. A life either mixes guards with the other forms
 * or uses the transform (a stack transform would also wrap the guarded accounts).
 */
export function generateLife(seed: number, shape: LifeShape): Step[] {
  const rnd = new Random(seed);
  // Choices added after the first measured runs draw from a second stream, so a seed keeps its life's steps.
  const extra = new Random(seed ^ 0x5bd1e995);
  // The kill of an update (added later still) draws from a third stream and only adds steps: older seeds keep theirs.
  const kills = new Random(seed ^ 0x27d4eb2f);
  const steps: Step[] = [];
  const forms: Form[] = rnd.chance(0.3) ? ["transform", "recovered", "reclaimable"] : ["guard", "recovered", "reclaimable"];
  const declared = new Map<string, AccountDecl>();
  let nextSlot = 0;
  const softDeletedAtStart: string[] = [];
  const add = () => {
    const decl = newDecl(rnd, `a${nextSlot++}`, rnd.pick(forms));
    // A RecoveredAccount of a free name only fails ("nothing to recover") and stalls the life: mostly recover what is there.
    if (decl.form === "recovered" && softDeletedAtStart.length && extra.chance(0.8)) {
      decl.accountName = extra.pick(softDeletedAtStart);
      decl.customSubDomainName = decl.accountName;
    }
    declared.set(decl.slot, decl);
    steps.push({ edit: "add", decl: structuredClone(decl) });
  };
  const slots = () => [...declared.keys()];
  // The opening world: what the names hold before the stack exists.
  for (const name of NAMES) {
    const r = rnd.next();
    if (r < 0.35) {
      steps.push({ event: "foreign", name, group: GROUPS[0], subdomain: name, deleted: true });
      softDeletedAtStart.push(name);
    }
    else if (r < 0.45) steps.push({ event: "foreign", name, group: GROUPS[0], subdomain: name, deleted: false });
  }
  if (rnd.chance(0.3)) steps.push({ event: "clock", hours: rnd.pick([1, 47]) });
  add();
  if (rnd.chance(0.4)) add();
  steps.push({ command: "up" });
  let commands = 1;
  while (commands < shape.commands) {
    const r = rnd.next();
    if (r < 0.35) {
      const slot = slots().length ? rnd.pick(slots()) : undefined;
      const decl = slot ? declared.get(slot) : undefined;
      const kind = rnd.int(12);
      if (!decl || kind === 0) {
        if (declared.size < 3) add();
      } else if (kind === 1) {
        declared.delete(decl.slot);
        steps.push({ edit: "remove", slot: decl.slot });
      } else if (kind === 2) {
        const alias = rnd.chance(0.5);
        const resourceName = `${decl.slot}-${decl.form}-r${rnd.int(100)}`;
        if (alias) decl.aliases = [...decl.aliases, decl.resourceName];
        decl.resourceName = resourceName;
        steps.push({ edit: "rename", slot: decl.slot, resourceName, alias });
      } else if (kind === 3) steps.push({ edit: "accountName", slot: decl.slot, value: rnd.pick(NAMES) });
      else if (kind === 4) steps.push({ edit: "resourceGroup", slot: decl.slot, value: rnd.pick(GROUPS) });
      else if (kind === 5) steps.push({ edit: "location", slot: decl.slot, value: rnd.pick(LOCATIONS) });
      else if (kind === 6) steps.push({ edit: "subdomain", slot: decl.slot, value: rnd.chance(0.5) ? rnd.pick(NAMES) : `${decl.accountName}-sd` });
      else if (kind === 7) steps.push({ edit: "policy", slot: decl.slot, value: rnd.pick(POLICIES) });
      else if (kind === 8) steps.push({ edit: "ignoreChanges", slot: decl.slot, value: rnd.chance(0.5) ? ["tags"] : [] });
      else if (kind === 9) steps.push({ edit: "tag", slot: decl.slot, value: `v${rnd.int(9)}` });
      else steps.push({ edit: "option", slot: decl.slot, option: rnd.pick(OPTIONS), value: rnd.chance(0.5) });
    } else if (r < 0.75) {
      commands += 1;
      const c = rnd.next();
      const slot = slots().length ? rnd.pick(slots()) : undefined;
      if (c < 0.15) steps.push({ command: "preview" });
      else if (c < 0.55) steps.push(extra.chance(0.15) && slot ? { command: "up", target: slot } : { command: "up" });
      else if (c < 0.7) steps.push({ command: "up", refresh: true });
      else if (c < 0.8) steps.push({ command: "refresh" });
      else if (c < 0.9 && slot) steps.push({ command: "up", replace: slot });
      else steps.push({ command: "destroy", runProgram: rnd.chance(0.5) });
    } else {
      const e = rnd.int(10);
      const name = rnd.pick(NAMES);
      if (e === 0) steps.push({ event: "deleteAccount", name });
      else if (e === 1) steps.push({ event: "purgeAccount", name });
      else if (e === 2) steps.push({ event: "restoreAccount", name });
      else if (e === 3) steps.push({ event: "deleteGroup", group: rnd.pick(GROUPS) });
      else if (e === 4) steps.push({ event: "createGroup", group: rnd.pick(GROUPS) });
      else if (e === 5) {
        const other = `${name}-other${rnd.int(10)}`;
        const bySubdomain = rnd.chance(0.5);
        steps.push({ event: "foreign", name: bySubdomain ? other : name, group: rnd.pick(GROUPS), subdomain: bySubdomain ? name : other, deleted: rnd.chance(0.6) });
      } else if (e === 6) steps.push({ event: "conflicts", count: 1 + rnd.int(3) });
      else if (e === 7) steps.push({ event: "throttle", times: 1 + rnd.int(4) });
      else if (e === 8) steps.push({ event: "refuseCreate" });
      else steps.push({ event: "clock", hours: 49 });
      // Mostly at the first operation: most ups of a life make one or two, and a kill past the last is no kill.
      if (kills.chance(0.15)) steps.push({ event: "kill", afterOperations: kills.chance(0.6) ? 1 : 2 });
    }
  }
  return steps;
}
