/**
 * The callback scene: what the provider had received when a person's
 * callback was delivered, so that a later step sees what the callback itself
 * made the integration ask (a refused callback makes no token request,
 * contract 5.2). Written where a callback is delivered (tasks.ts, a link
 * scanner's HEAD), read by the callback steps.
 */
import { sceneOf } from './scene';

export interface CallbackScene {
  /** How many token requests the provider had received when the last callback was delivered. */
  tokenRequestsBeforeDelivery: number;
}

export const callbackScene = sceneOf<CallbackScene>(() => ({ tokenRequestsBeforeDelivery: 0 }));
