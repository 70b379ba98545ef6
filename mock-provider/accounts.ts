/**
 * The vendor's demo accounts. Each has a password for the login page and the
 * profile claims the provider releases for the `profile` and `email` scopes.
 */
import type { Account, FindAccount } from 'oidc-provider';

export interface DemoAccount {
  readonly username: string;
  readonly password: string;
  readonly claims: Readonly<Record<string, string | boolean>>;
}

export const demoAccounts: readonly DemoAccount[] = [
  {
    username: 'alice',
    password: 'wonderland',
    claims: {
      name: 'Alice Liddell',
      preferred_username: 'alice',
      email: 'alice@example.com',
      email_verified: true,
    },
  },
  {
    username: 'bob',
    password: 'builder',
    claims: {
      name: 'Bob the Builder',
      preferred_username: 'bob',
      email: 'bob@example.com',
      email_verified: true,
    },
  },
];

/** The account id (the ID token's `sub`) of a username. Opaque on purpose. */
export function subjectOf(username: string): string {
  return `acct_${username}`;
}

/** The account whose username and password both match, or undefined. */
export function authenticate(username: unknown, password: unknown): DemoAccount | undefined {
  if (typeof username !== 'string' || typeof password !== 'string') return undefined;
  const account = demoAccounts.find((candidate) => candidate.username === username);
  return account && account.password === password ? account : undefined;
}

/** The claims a scope releases (OIDC Core 5.4): oidc-provider's `claims` option, and what the mock's userinfo answers. */
export const scopeClaims: Readonly<Record<string, readonly string[]>> = {
  openid: ['sub'],
  profile: ['name', 'preferred_username'],
  email: ['email', 'email_verified'],
};

/**
 * oidc-provider's `findAccount`: the claims of an account id. For the ID
 * token (`use` `id_token`) only `sub`, as OIDC Core 5.4 has it when an access
 * token is issued (the profile claims are userinfo's), unless
 * `idTokenProfileClaims` says the ID token carries them too, as a lenient
 * provider's does (the mode of the same name, contract 10.1).
 */
export function accountFinder(idTokenProfileClaims: () => boolean): FindAccount {
  return (_ctx, id): Account | undefined => {
    const account = demoAccounts.find((candidate) => subjectOf(candidate.username) === id);
    if (!account) return undefined;
    return {
      accountId: id,
      claims: (use) => (use === 'id_token' && !idTokenProfileClaims() ? { sub: id } : { sub: id, ...account.claims }),
    };
  };
}
