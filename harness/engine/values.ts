import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** A property bag as the engine keeps it: plain JSON, secrets wrapped (see {@link SECRET_SIG}), unknowns as {@link UNKNOWN}. */
export type Props = Record<string, unknown>;

/** The engine's placeholder for a value not known during preview (sdk/go/common/resource/plugin/rpc.go, UnknownStringValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The key that marks a special value on the wire (sdk/go/common/resource/sig/sig.go, Key). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The signature of a secret value (sig.go, Secret). */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A secret as it travels and as the engine keeps it in memory. */
export interface SecretValue {
  [SIG_KEY]: typeof SECRET_SIG;
  value: unknown;
}

export function isSecret(value: unknown): value is SecretValue {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

export function secret(value: unknown): SecretValue {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** The value with every secret wrapper removed: what a provider that does not accept secrets receives. */
export function revealSecrets(value: unknown): unknown {
  if (isSecret(value)) return revealSecrets(value.value);
  if (Array.isArray(value)) return value.map(revealSecrets);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecrets(v)]));
  return value;
}

/** The value with secrets replaced by `[secret]`: what state export, display and logs show. */
export function maskSecrets(value: unknown): unknown {
  if (isSecret(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v)]));
  return value;
}

/** True when the value holds the unknown placeholder anywhere. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
  return false;
}

/** Deep equality of two JSON values (secret wrappers compared by what they hide). */
export function deepEqual(a: unknown, b: unknown): boolean {
  const x = revealSecrets(a);
  const y = revealSecrets(b);
  if (x === y) return true;
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const kx = Object.keys(x as object).filter((k) => (x as Props)[k] !== undefined);
  const ky = Object.keys(y as object).filter((k) => (y as Props)[k] !== undefined);
  if (kx.length !== ky.length) return false;
  return kx.every((k) => deepEqual((x as Props)[k], (y as Props)[k]));
}

/** Drops `undefined` and `null` members, as the engine's unmarshalling with SkipNulls does. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
}

export function fromStruct(struct: Struct | undefined): Props {
  return struct ? (withoutNulls(struct.toJavaScript()) as Props) : {};
}

export function toStruct(props: Props): Struct {
  return Struct.fromJavaScript(withoutNulls(props) as never);
}

/** The top-level keys whose values are secret. */
export function secretKeys(props: Props): string[] {
  return Object.keys(props).filter((k) => isSecret(props[k]));
}

/**
 * Marks outputs secret where the inputs of the same key were secret, or the key is listed in
 * `additionalSecretOutputs` (pkg/resource/deploy/step_executor.go, stepExecutor.continueExecuteStep: "If an input secret
 * is potentially leaked as an output, preemptively mark it as secret").
 */
export function markSecretOutputs(outputs: Props, inputs: Props, additional: string[] = []): Props {
  const keys = new Set([...secretKeys(inputs), ...additional]);
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, keys.has(k) && !isSecret(v) ? secret(v) : v]));
}
