/** The SAML assertion check and its XML parser (@xmldom/xmldom): loaded on the first SAML sign-in or inspection. */
import { lazy } from '../lazy';

export const samlAssertion = lazy(() => require('./assertion') as typeof import('./assertion'));
