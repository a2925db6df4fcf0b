// `OPTIONS /` on each listener answers an OpenAPI 3.0.1 description of its API, as TorchServe does.
const json = { 'application/json': { schema: { type: 'object' } } };
const error = { description: 'Error', content: json };
const param = (name: string, where: 'path' | 'query', required: boolean, type = 'string') => ({
  in: where,
  name,
  required,
  schema: { type },
});

export const INFERENCE_API = {
  openapi: '3.0.1',
  info: { title: 'mlserve inference API', description: 'TorchServe-compatible inference API of mlserve', version: '1.0' },
  paths: {
    '/': { options: { operationId: 'apiDescription', responses: { '200': { description: 'OpenAPI description', content: json } } } },
    '/ping': { get: { operationId: 'ping', responses: { '200': { description: 'Healthy', content: json }, '500': error } } },
    '/predictions/{model_name}': {
      post: {
        operationId: 'predictions',
        parameters: [param('model_name', 'path', true)],
        requestBody: { content: { '*/*': { schema: { type: 'string', format: 'binary' } }, 'multipart/form-data': { schema: { type: 'object' } } } },
        responses: { '200': { description: 'Prediction', content: { '*/*': {} } }, '400': error, '404': error, '413': error, '500': error, '503': error },
      },
    },
    '/v1/models/{model_name}:predict': {
      post: { operationId: 'kserveV1Predict', parameters: [param('model_name', 'path', true)], responses: { '200': { description: '{"predictions": [...]}', content: json }, '400': error, '404': error, '503': error } },
    },
    '/v2/models/{model_name}/infer': {
      post: { operationId: 'oipV2Infer', parameters: [param('model_name', 'path', true)], responses: { '200': { description: 'Open Inference Protocol v2 response (JSON, or with Inference-Header-Content-Length the binary tensor data extension)', content: json }, '400': error, '404': error, '503': error } },
    },
    '/v2/health/ready': { get: { operationId: 'oipV2Ready', responses: { '200': { description: '{"ready": true}', content: json } } } },
    '/v2/models/{model_name}/config': {
      get: { operationId: 'oipV2Config', parameters: [param('model_name', 'path', true)], responses: { '200': { description: "Triton's model configuration (max_batch_size, input, output)", content: json }, '404': error } },
    },
    '/predictions/{model_name}/{model_version}': {
      post: {
        operationId: 'versionPredictions',
        parameters: [param('model_name', 'path', true), param('model_version', 'path', true)],
        responses: { '200': { description: 'Prediction', content: { '*/*': {} } }, '404': error, '503': error },
      },
    },
  },
};

const status = { '200': { description: 'OK', content: json } };

export const MANAGEMENT_API = {
  openapi: '3.0.1',
  info: { title: 'mlserve management API', description: 'TorchServe-compatible management API of mlserve', version: '1.0' },
  paths: {
    '/': { options: { operationId: 'apiDescription', responses: status } },
    '/models': {
      get: { operationId: 'listModels', parameters: [param('limit', 'query', false, 'integer'), param('next_page_token', 'query', false)], responses: status },
      post: {
        operationId: 'registerModel',
        parameters: ['url', 'model_name', 'handler', 'runtime', 'batch_size', 'max_batch_delay', 'initial_workers', 'synchronous', 'response_timeout', 'startup_timeout'].map((n) =>
          param(n, 'query', n === 'url'),
        ),
        responses: { ...status, '202': { description: 'Accepted', content: json }, '400': error, '404': error, '409': error, '500': error },
      },
    },
    '/models/{model_name}': {
      get: { operationId: 'describeModel', parameters: [param('model_name', 'path', true)], responses: { ...status, '404': error } },
      put: {
        operationId: 'setAutoScale',
        parameters: [param('model_name', 'path', true), param('min_worker', 'query', false, 'integer'), param('max_worker', 'query', false, 'integer'), param('synchronous', 'query', false, 'boolean')],
        responses: { ...status, '202': { description: 'Accepted', content: json }, '400': error, '404': error },
      },
      delete: { operationId: 'unregisterModel', parameters: [param('model_name', 'path', true)], responses: { ...status, '403': error, '404': error } },
    },
    '/models/{model_name}/{model_version}': {
      get: { operationId: 'versionDescribeModel', responses: { ...status, '404': error } },
      put: { operationId: 'versionSetAutoScale', responses: { ...status, '202': { description: 'Accepted', content: json }, '404': error } },
      delete: { operationId: 'versionUnregisterModel', responses: { ...status, '403': error, '404': error } },
    },
    '/models/{model_name}/{model_version}/set-default': {
      put: { operationId: 'setDefault', responses: { ...status, '404': error } },
    },
  },
};
