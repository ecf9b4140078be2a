import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A server certificate and its private key, PEM encoded. */
export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
}

/** Environment variable naming a folder that holds `cert.pem` and `key.pem` for the emulator. */
export const TLS_DIR_VARIABLE = "RECLAIM_EMULATOR_TLS_DIR";

/**
 * Generates a self-signed certificate for 127.0.0.1 and localhost.
 *
 * It is its own trust anchor (CA:true), so a client trusts it by adding the
 * certificate itself to its CA list (`NODE_EXTRA_CA_CERTS`). The key never
 * leaves the machine and is never committed.
 */
export async function generateTlsMaterial(): Promise<TlsMaterial> {
  // Loaded lazily: only the emulator needs it, and it pulls in WebCrypto helpers.
  const selfsigned = await import("selfsigned");
  const now = Date.now();
  const pems = await selfsigned.generate([{ name: "commonName", value: "pulumi-cognitive-reclaim emulator" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - 60 * 60 * 1000),
    notAfterDate: new Date(now + 7 * 24 * 60 * 60 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }] },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/**
 * Loads the certificate from `dir` when it holds one, otherwise generates one
 * (and stores it there when `dir` is given, so that processes started later
 * can trust it through `NODE_EXTRA_CA_CERTS=<dir>/cert.pem`).
 */
export async function loadOrCreateTlsMaterial(dir?: string): Promise<TlsMaterial> {
  if (dir && existsSync(join(dir, "cert.pem")) && existsSync(join(dir, "key.pem"))) {
    return { cert: readFileSync(join(dir, "cert.pem"), "utf8"), key: readFileSync(join(dir, "key.pem"), "utf8") };
  }
  const material = await generateTlsMaterial();
  if (dir) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, "key.pem"), material.key, { mode: 0o600 });
    writeFileSync(join(dir, "cert.pem"), material.cert);
  }
  return material;
}
