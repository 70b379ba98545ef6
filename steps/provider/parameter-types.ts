/** The provider profile's parameter types. */
import { defineParameterType } from '@cucumber/cucumber';

defineParameterType({
  name: 'tokenRequest',
  regexp: /an unknown code|a wrong client secret|an unknown grant type/,
  transformer: (text: string) => text,
});
