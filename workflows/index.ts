// The entry the worker bundles: every workflow the service runs.
export { individualVerification } from './individual-verification';
export { enterpriseVerification } from './enterprise-verification';
export { refundTransfer } from './refund-transfer';
export { subjectChange } from './change';
export { webhookDelivery } from './webhook-delivery';
export { reconcile } from './reconcile';
