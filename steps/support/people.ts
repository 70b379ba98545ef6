/**
 * The people of a scenario. Each has a browser of their own (a user agent
 * with its own cookies) and signs in to the integration with a username
 * unique to the scenario (docs/decisions.md, `harness-unique-people`: a
 * remote integration keeps its state between scenarios, so "alice" of one
 * scenario must not meet "alice" of another). A pronoun in a step means the
 * person named last.
 */
import { randomBytes } from 'node:crypto';

import { type HttpResponse, UserAgent } from './user-agent';

/** The tokens the provider issued to the integration for a person, as the provider's token response carried them. */
export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
}

export class Person {
  readonly agent: UserAgent;
  /** What the person types as their username at the integration's sign-in: unique to the scenario. */
  readonly username: string;
  /** Whether the person signed in to the integration in this scenario. */
  signedIn = false;
  /** The provider URL the last `/connect` sent the browser to. */
  authorizationUrl?: string;
  /** The callback URL the provider sent the browser back with. */
  callbackUrl?: string;
  /** The last answer this person got from the integration. */
  response?: HttpResponse;
  /** The last page this person saw at the provider. */
  providerPage?: HttpResponse;
  /** The provider account this person connected, once connected in this scenario. */
  account?: string;
  /** The tokens the provider issued when this person connected. */
  issuedAtConnect?: IssuedTokens;

  constructor(
    readonly name: string,
    certificateAuthority?: string,
  ) {
    this.agent = new UserAgent(certificateAuthority);
    this.username = `${name.toLowerCase()}-${randomBytes(4).toString('hex')}`;
  }

  /** The tokens issued at connect; fails the step when the person has not connected in this scenario. */
  get tokensAtConnect(): IssuedTokens {
    if (!this.issuedAtConnect) throw new Error(`${this.name} has not connected in this scenario`);
    return this.issuedAtConnect;
  }
}

export class People {
  private readonly byName = new Map<string, Person>();
  private lastNamed: Person | undefined;

  constructor(private readonly certificateAuthority: () => string | undefined) {}

  /** The person of this name, met for the first time if need be. */
  get(name: string): Person {
    let person = this.byName.get(name);
    if (!person) {
      person = new Person(name, this.certificateAuthority());
      this.byName.set(name, person);
    }
    return person;
  }

  /** The person a step names: from now on the one a pronoun means. */
  named(name: string): Person {
    this.lastNamed = this.get(name);
    return this.lastNamed;
  }

  /** The person a pronoun, or a step without a name, is about: the one named last. */
  get subject(): Person {
    if (!this.lastNamed) throw new Error('the step speaks of someone, but no one was named yet');
    return this.lastNamed;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  all(): Person[] {
    return [...this.byName.values()];
  }
}
