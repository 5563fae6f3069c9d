import type { ExtraPanels } from '../process/actions';

/** The enterprise verification's own panels (resubmitting public-remittance materials after a rejection). */
export const enterprisePanels: ExtraPanels = {};
