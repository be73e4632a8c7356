export { createRuntime, type Runtime, type RuntimeOptions } from './create-runtime.js';
export { createLambdaWaker, WAKE_EVENT } from './lambda-waker.js';
