/**
 * Typed words of the step text.
 */
import { defineParameterType } from '@cucumber/cucumber';

import type { Person } from './people';
import type { ConformanceWorld } from './world';

/**
 * A person using the integration, by name, or a pronoun for the person named
 * last. Transformers run with the World as `this`; the step gets the Person.
 */
defineParameterType({
  name: 'person',
  regexp: /Alice|Bob|Carol|Mallory|Dave|she|he|they/,
  transformer(this: ConformanceWorld, word: string): Person {
    return ['she', 'he', 'they'].includes(word) ? this.people.subject : this.people.named(word);
  },
});

/** A vendor account at the mock provider. */
defineParameterType({ name: 'account', regexp: /alice|bob/, transformer: (name: string) => name });

/** A stable error code, quoted. */
defineParameterType({ name: 'code', regexp: /"([a-z_]+)"/, transformer: (code: string) => code });
