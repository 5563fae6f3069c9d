// The entry the worker bundles: every workflow the service runs.
export { individualVerification } from './individual-verification';
export { enterpriseVerification, refundTransfer } from './enterprise-verification';
