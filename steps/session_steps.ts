import { Given } from '@cucumber/cucumber';
import type { ConformanceWorld } from './support/world';

Given('{person} is signed in to the integration', async function (this: ConformanceWorld, person: string) {
  await this.signIn(person);
});
