import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import * as der from "./der";

/**
 * The emulator's TLS: a throwaway certificate authority that can only vouch
 * for 127.0.0.1 and localhost, and a server certificate it issues.
 *
 * Users trust the CA through `NODE_EXTRA_CA_CERTS`, so the CA must not be
 * able to vouch for anything else: its X.509 name constraints permit only
 * the DNS name `localhost` and the address 127.0.0.1/32 (OpenSSL refuses any
 * certificate under it for another name, `management.azure.com` included),
 * its path length is 0 (no intermediate CA under it), and its private key
 * lives only in memory while the server certificate is issued: it is never
 * written anywhere, so nobody can issue anything else under it later.
 */

/** The emulator's server certificate and key, and the CA certificate clients trust, PEM encoded. */
export interface TlsMaterial {
  /** The server (leaf) certificate for 127.0.0.1 and localhost. */
  readonly cert: string;
  /** The server certificate's private key. */
  readonly key: string;
  /** The throwaway CA's certificate: what clients trust (`NODE_EXTRA_CA_CERTS`, `ca:`). */
  readonly ca: string;
}

/** Environment variable naming a folder that holds the emulator's TLS files ({@link TLS_FILES}). */
export const TLS_DIR_VARIABLE = "RECLAIM_EMULATOR_TLS_DIR";

/** The files of a TLS folder; `ca` is the one to trust. There is no file for the CA's key. */
export const TLS_FILES = { ca: "ca.pem", cert: "cert.pem", key: "key.pem" } as const;

/** How long a CA and its server certificate are valid; a folder's are replaced once less than {@link RENEW_BEFORE_MS} is left. */
export const TLS_VALIDITY_MS = 24 * 60 * 60 * 1000;
const RENEW_BEFORE_MS = 60 * 60 * 1000;

const OID = {
  ecPublicKey: "1.2.840.10045.2.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  nameConstraints: "2.5.29.30",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
} as const;

/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

const extension = (oid: string, critical: boolean, value: Buffer): Buffer =>
  der.sequence(der.objectIdentifier(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));

const nameOf = (commonName: string): Buffer => der.sequence(der.set(der.sequence(der.objectIdentifier(OID.commonName), der.utf8String(commonName))));

/** A GeneralName: `iPAddress` for an address (with a /32 mask inside name constraints), else `dNSName`. */
function generalName(name: string, withMask: boolean): Buffer {
  if (isIP(name) === 4) {
    const address = Buffer.from(name.split(".").map(Number));
    return der.implicitPrimitive(7, withMask ? Buffer.concat([address, Buffer.from([255, 255, 255, 255])]) : address);
  }
  return der.implicitPrimitive(2, Buffer.from(name, "ascii"));
}

const keyIdentifier = (spki: Buffer): Buffer => createHash("sha1").update(spki).digest();

interface CertificateRequest {
  subject: string;
  issuer: string;
  spki: Buffer;
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: Buffer[];
}

/** Builds and signs an X.509 v3 certificate (RFC 5280 §4.1) with ECDSA P-256 / SHA-256. */
function buildCertificate(request: CertificateRequest): string {
  const algorithm = der.sequence(der.objectIdentifier(OID.ecdsaWithSha256));
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // v3
    der.unsignedInteger(randomBytes(16)),
    algorithm,
    nameOf(request.issuer),
    der.sequence(der.time(request.notBefore), der.time(request.notAfter)),
    nameOf(request.subject),
    request.spki,
    der.explicit(3, der.sequence(...request.extensions)),
  );
  const signature = sign("sha256", tbs, request.signingKey); // DER ECDSA-Sig-Value, as X.509 wants
  const certificate = der.sequence(tbs, algorithm, der.bitString(signature));
  return `-----BEGIN CERTIFICATE-----\n${certificate.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n?$/, "\n")}-----END CERTIFICATE-----\n`;
}

/** Names a CA made by {@link createThrowawayCa} may vouch for; nothing else passes OpenSSL's name-constraint check. */
export const PERMITTED_NAMES = ["127.0.0.1", "localhost"] as const;

/** A CA whose private key exists only inside this object. */
export interface ThrowawayCa {
  /** The CA certificate, PEM. */
  readonly certificate: string;
  /** Issues a server certificate for `names` (IPv4 addresses and DNS names) with a fresh key. */
  issue(names: readonly string[]): { cert: string; key: string };
}

/**
 * Makes a CA constrained to {@link PERMITTED_NAMES}: basicConstraints CA
 * with pathLen 0 and name constraints, both critical. Its key is held only
 * by the returned object (never exported or written), so it is gone once
 * that object is.
 */
export function createThrowawayCa(validForMs = TLS_VALIDITY_MS, now = Date.now()): ThrowawayCa {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const subject = `pulumi-cognitive-reclaim emulator CA ${randomBytes(6).toString("hex")} (localhost only)`;
  const notBefore = new Date(now - RENEW_BEFORE_MS);
  const notAfter = new Date(now + validForMs);
  const certificate = buildCertificate({
    subject,
    issuer: subject,
    spki,
    signingKey: privateKey,
    notBefore,
    notAfter,
    extensions: [
      extension(OID.basicConstraints, true, der.sequence(der.boolean(true), der.smallInteger(0))),
      extension(OID.keyUsage, true, der.namedBits([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign])),
      extension(
        OID.nameConstraints,
        true,
        der.sequence(der.implicitConstructed(0, ...PERMITTED_NAMES.map((name) => der.sequence(generalName(name, true))))),
      ),
      extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(spki))),
    ],
  });
  return {
    certificate,
    issue(names) {
      const leaf = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const leafSpki = leaf.publicKey.export({ type: "spki", format: "der" });
      const cert = buildCertificate({
        subject: names[0] ?? "unnamed",
        issuer: subject,
        spki: leafSpki,
        signingKey: privateKey,
        notBefore,
        notAfter,
        extensions: [
          extension(OID.basicConstraints, true, der.sequence()),
          extension(OID.keyUsage, true, der.namedBits([KEY_USAGE.digitalSignature])),
          extension(OID.extKeyUsage, false, der.sequence(der.objectIdentifier(OID.serverAuth))),
          extension(OID.subjectAltName, false, der.sequence(...names.map((name) => generalName(name, false)))),
          extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(leafSpki))),
          extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicitPrimitive(0, keyIdentifier(spki)))),
        ],
      });
      return { cert, key: leaf.privateKey.export({ type: "pkcs8", format: "pem" }) as string };
    },
  };
}

/**
 * A fresh CA and a server certificate for 127.0.0.1 and localhost from it.
 * The CA's key is dropped on return: nothing else can ever be issued under it.
 */
export async function generateTlsMaterial(): Promise<TlsMaterial> {
  const ca = createThrowawayCa();
  return { ...ca.issue(PERMITTED_NAMES), ca: ca.certificate };
}

/** Whether a folder's certificates are complete, chained, and valid for at least {@link RENEW_BEFORE_MS} more. */
function usable(material: TlsMaterial, now: number): boolean {
  try {
    const ca = new X509Certificate(material.ca);
    const leaf = new X509Certificate(material.cert);
    return leaf.checkIssued(ca) && leaf.verify(ca.publicKey) && Math.min(Date.parse(ca.validTo), Date.parse(leaf.validTo)) - now > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

/**
 * Loads the folder's certificates when they are still valid, otherwise
 * makes new ones (and writes them there when `dir` is given, so processes
 * started later can trust the CA through `NODE_EXTRA_CA_CERTS=<dir>/ca.pem`).
 * `fresh` makes new ones regardless (`npm run emulator` does, once per run).
 * The folder never holds the CA's key.
 */
export async function loadOrCreateTlsMaterial(dir?: string, options: { fresh?: boolean } = {}): Promise<TlsMaterial> {
  const path = (file: keyof typeof TLS_FILES) => join(dir ?? "", TLS_FILES[file]);
  if (dir && !options.fresh && Object.keys(TLS_FILES).every((file) => existsSync(path(file as keyof typeof TLS_FILES)))) {
    const material = { ca: readFileSync(path("ca"), "utf8"), cert: readFileSync(path("cert"), "utf8"), key: readFileSync(path("key"), "utf8") };
    if (usable(material, Date.now())) return material;
  }
  const material = await generateTlsMaterial();
  if (dir) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(path("key"), material.key, { mode: 0o600 });
    writeFileSync(path("cert"), material.cert);
    writeFileSync(path("ca"), material.ca);
  }
  return material;
}
