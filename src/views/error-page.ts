/**
 * The error page: the stable error code, what went wrong, and one sentence
 * on what to do next. The provider's `error_description`, when there is one,
 * is shown escaped and marked as the provider's words.
 */
import type { IntegrationError } from '../errors';
import { html } from './html';
import { layout } from './layout';

export function errorPage(error: Pick<IntegrationError, 'code' | 'message' | 'advice' | 'description'>): string {
  return layout(
    'Something went wrong',
    html`<h1>That did not work</h1>
      <div class="error" role="alert">
        <p>Error code: <code data-error-code>${error.code}</code></p>
        <p data-error-message>${error.message}</p>
        ${error.description === undefined ? '' : html`<p>The provider said: <q data-error-description>${error.description}</q></p>`}
      </div>
      <p data-error-advice>${error.advice}</p>
      <p><a href="/">Back to the home page</a></p>`,
  );
}
