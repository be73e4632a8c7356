export { type DeliverHttpOptions, deliverHttp, type HttpTaskResult } from './deliver-http.js';
export {
  type CheckDestinationOptions,
  type CheckedDestination,
  checkDestination,
  type ResolveHost,
} from './destination-guard.js';
export { DestinationRefusedError, HttpDeliveryError, HttpRejectedError } from './errors.js';
export { HostAllowList } from './host-allow-list.js';
export { type CreateHttpTaskOptions, createHttpTask, HTTP_TASK_TYPE } from './http-task.js';
export {
  type HttpMethod,
  HttpMethods,
  type HttpTaskPayload,
  type HttpTaskPayloadInput,
  HttpTaskPayloadSchema,
} from './http-task-payload.js';
export { isPrivateAddress } from './private-address.js';
export {
  type SignRequestOptions,
  signRequest,
  TandemHeaders,
  type VerifySignatureOptions,
  verifySignature,
} from './sign-request.js';
