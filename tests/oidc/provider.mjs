// A real OpenID Connect provider for the e-ID tests: panva's oidc-provider (npm), started by
// tests/oidc/conftest.py on 127.0.0.1. It plays a national e-ID: the person types their
// identity number at its (development) login form; the ID token carries a pseudonymous `sub`,
// the identity number as `cpr`, the birth date and the level of assurance as `loa`.
// Configuration comes from the environment: PORT, CLIENTS (JSON), JWKS (JSON, private keys).
import { createHash } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;

function birthdate(cpr) {
  // ddmmyy: a test person born in the 1900s (enough for the tests' adults).
  const d = cpr.slice(0, 2); const m = cpr.slice(2, 4); const y = cpr.slice(4, 6);
  return `19${y}-${m}-${d}`;
}

const provider = new Provider(issuer, {
  clients: JSON.parse(process.env.CLIENTS).map((c) => ({
    grant_types: ['authorization_code'], response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post', ...c,
  })),
  jwks: JSON.parse(process.env.JWKS),
  cookies: { keys: ['hoest-tests-only'] },
  claims: { openid: ['sub'], cpr: ['cpr', 'birthdate', 'loa'] },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const cpr = String(id).replace('-', '');
    return {
      accountId: cpr,
      async claims() {
        return { sub: createHash('sha256').update(`pseudonym:${cpr}`).digest('hex').slice(0, 32),
                 cpr, birthdate: birthdate(cpr), loa: 'substantial' };
      },
    };
  },
  async loadExistingGrant(ctx) {
    // The person agrees by signing in: no separate consent page, as at a national e-ID.
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid cpr');
    await grant.save();
    return grant;
  },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => { console.log(`ready ${issuer}`); });
