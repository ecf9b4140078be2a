import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { WireResponse } from "./wire";

/**
 * A token authority that `@azure/identity` (MSAL) uses unmodified: OpenID
 * metadata per tenant and a client-credentials token endpoint. Tokens are
 * signed with a key that lives only in this process, so ARM can tell its own
 * tokens from anybody else's.
 */

/** Audiences ARM accepts for a token (what the scope `<audience>/.default` yields). */
const ARM_AUDIENCES = ["https://management.azure.com", "https://management.azure.com/", "https://management.core.windows.net/"];
const TOKEN_LIFETIME_S = 3599;

export interface ServicePrincipal {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export interface TokenClaims {
  aud: string;
  iss: string;
  appid: string;
  tid: string;
  iat: number;
  exp: number;
}

const b64url = (value: Buffer | string): string => Buffer.from(value).toString("base64url");

export class Authority {
  /** Derived from the principal, so tokens stay valid across an emulator restart with the same principal (as ARM's do). */
  private readonly signingKey: Buffer;
  /** How many tokens were issued, for tests and the benchmark. */
  tokensIssued = 0;

  constructor(
    readonly principal: ServicePrincipal,
    private readonly baseUrl: () => string,
  ) {
    this.signingKey = createHash("sha256").update(`emulator-token-signing:${principal.tenantId}:${principal.clientSecret}`).digest();
  }

  /** Answers `GET /{tenant}/v2.0/.well-known/openid-configuration`. */
  openIdConfiguration(tenant: string): WireResponse {
    const base = `${this.baseUrl()}/${tenant}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        issuer: `${base}/v2.0`,
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        tenant_region_scope: "NA",
      },
    };
  }

  /** Answers `POST /{tenant}/oauth2/v2.0/token` (client credentials). */
  token(tenant: string, form: URLSearchParams): WireResponse {
    const fail = (status: number, error: string, code: number, description: string): WireResponse => ({
      status,
      body: { error, error_description: `AADSTS${code}: ${description}`, error_codes: [code] },
    });
    if (form.get("grant_type") !== "client_credentials") {
      return fail(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
    }
    if (tenant.toLowerCase() !== this.principal.tenantId.toLowerCase()) {
      return fail(400, "invalid_tenant", 90002, `Tenant '${tenant}' not found.`);
    }
    if (form.get("client_id") !== this.principal.clientId) {
      return fail(400, "unauthorized_client", 700016, `Application with identifier '${form.get("client_id")}' was not found in the directory.`);
    }
    const secret = Buffer.from(form.get("client_secret") ?? "");
    const expected = Buffer.from(this.principal.clientSecret);
    if (secret.length !== expected.length || !timingSafeEqual(secret, expected)) {
      return fail(401, "invalid_client", 7000215, "Invalid client secret provided.");
    }
    const scope = (form.get("scope") ?? "").split(" ").find((s) => s.endsWith("/.default"));
    if (!scope) return fail(400, "invalid_scope", 1002012, "The provided value for scope is not valid.");
    const iat = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = {
      aud: scope.slice(0, -"/.default".length),
      iss: `${this.baseUrl()}/${tenant}/`,
      appid: this.principal.clientId,
      tid: tenant,
      iat,
      exp: iat + TOKEN_LIFETIME_S,
    };
    this.tokensIssued += 1;
    return {
      status: 200,
      body: { token_type: "Bearer", expires_in: TOKEN_LIFETIME_S, ext_expires_in: TOKEN_LIFETIME_S, access_token: this.sign(claims) },
    };
  }

  /**
   * Checks an ARM request's `Authorization` header. Returns the caller's
   * client id, or the 401 ARM sends.
   */
  authenticate(header: string | undefined): { clientId: string } | WireResponse {
    const unauthorized = (code: string, message: string): WireResponse => ({
      status: 401,
      headers: { "WWW-Authenticate": `Bearer authorization_uri="${this.baseUrl()}/${this.principal.tenantId}", error="invalid_token", error_description="${code}"` },
      body: { error: { code, message } },
    });
    if (!header) return unauthorized("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
    const match = /^Bearer (.+)$/.exec(header);
    if (!match) return unauthorized("AuthenticationFailedInvalidHeader", "Authentication failed. The 'Authorization' header is provided in an invalid format.");
    const claims = this.verify(match[1]);
    if (!claims) return unauthorized("InvalidAuthenticationToken", "The access token is invalid.");
    if (claims.exp * 1000 <= Date.now()) {
      return unauthorized("ExpiredAuthenticationToken", "The access token expiry UTC time is earlier than current UTC time.");
    }
    if (!ARM_AUDIENCES.includes(claims.aud)) {
      return unauthorized("InvalidAuthenticationTokenAudience", `The access token has been obtained for wrong audience or resource '${claims.aud}'.`);
    }
    return { clientId: claims.appid };
  }

  private sign(claims: TokenClaims): string {
    const body = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}`;
    return `${body}.${createHmac("sha256", this.signingKey).update(body).digest("base64url")}`;
  }

  private verify(token: string): TokenClaims | undefined {
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    const expected = Buffer.from(createHmac("sha256", this.signingKey).update(`${parts[0]}.${parts[1]}`).digest("base64url"));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as TokenClaims;
    } catch {
      return undefined;
    }
  }
}
