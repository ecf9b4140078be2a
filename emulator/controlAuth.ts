import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { WireResponse } from "./wire";

/** Environment variable from which a client of a separately started emulator (`npm run emulator`) takes the control token. */
export const CONTROL_TOKEN_VARIABLE = "RECLAIM_EMULATOR_CONTROL_TOKEN";

/** A fresh per-run control token: 32 random bytes, URL-safe. */
export function newControlToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What the emulator keeps of its token: a digest, so the comparison below is over equal lengths. */
export function controlTokenDigest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/**
 * Checks a control request's `Authorization: Bearer <token>` against the
 * run's token, in constant time (both sides hashed to 32 bytes first, so
 * neither the content nor the length of the expected token leaks). Returns
 * the 401 to send, or undefined when the token is right.
 */
export function refuseWithoutControlToken(expected: Buffer, header: string | undefined): WireResponse | undefined {
  const given = /^Bearer (\S+)$/.exec(header ?? "")?.[1];
  if (given !== undefined && timingSafeEqual(controlTokenDigest(given), expected)) return undefined;
  const why = given === undefined ? "The request has no 'Authorization: Bearer <token>' header." : "The control token is not this run's.";
  return {
    status: 401,
    headers: { "WWW-Authenticate": 'Bearer realm="reclaim-emulator-control"' },
    body: {
      error: {
        code: "ControlTokenRequired",
        message:
          `${why} The emulator's control API (/_emulator/...) needs the token generated when the emulator started: ` +
          `\`npm run emulator\` prints it as ${CONTROL_TOKEN_VARIABLE}; in code, startEmulator() returns it as \`controlToken\` and ` +
          `\`emulator.control\` sends it. Send it as 'Authorization: Bearer <token>'.`,
      },
    },
  };
}
