// The entry the worker bundles: every workflow the service runs.
export { individualVerification } from './verification/individual';
export { enterpriseVerification } from './verification/enterprise';
export { refundTransfer } from './operations/refund-transfer';
export { subjectChange } from './change/change';
export { webhookDelivery } from './webhook/delivery';
export { reconcile } from './operations/reconcile';
export { retention } from './operations/retention';
export { accountClosure } from './account/closure';
export { identityLookup } from './lookup/lookup';
