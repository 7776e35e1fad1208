/** The credentials doctor's page (runs in the webview): its buttons post "run again", "copy" or the index of a fix. */
import { connect } from '../pageApi';
import type { PageToHost } from './protocol';

const post = connect<PageToHost>();

document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button') : null;
  if (!button) return;
  if (button.id === 'rerun') post({ type: 'rerun' });
  else if (button.id === 'copy') post({ type: 'copy' });
  else if (button.dataset.fix !== undefined) post({ type: 'fix', index: Number(button.dataset.fix) });
});
