// Microsoft Graph's error shape: {"error": {"code", "message", "innerError": {date, request-id,
// client-request-id}}}, with the status each code comes with.
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Response } from 'express';

class GraphError extends Error {
  override name = 'GraphError';
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const emptyToken = () => new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
export const invalidToken = () =>
  new GraphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
export const insufficientPrivileges = () =>
  new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
export const resourceNotFound = (id: string) =>
  new GraphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
// Outlook's codes, as Graph's mail API returns them.
export const mailAccessDenied = () =>
  new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
export const invalidRecipients = () =>
  new GraphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
export const unsupportedQuery = () => new GraphError(400, 'Request_UnsupportedQuery', 'Unsupported Query.');
export const badRequest = (message: string) => new GraphError(400, 'Request_BadRequest', message);
// A guess at the status: the code and message are what Graph documents for a second service principal.
export const servicePrincipalExists = (appId: string) =>
  new GraphError(
    409,
    'Request_MultipleObjectsWithSameKeyValue',
    `The service principal cannot be created, updated, or restored because the service principal name ${appId} is already in use.`,
  );

function sendGraphError(res: Response, error: GraphError, clientRequestId: string | undefined): void {
  const requestId = randomUUID();
  res
    .status(error.status)
    .set({ 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId })
    .json({
      error: {
        code: error.code,
        message: error.message,
        innerError: {
          date: new Date().toISOString().replace(/\.\d+Z$/, ''),
          'request-id': requestId,
          'client-request-id': clientRequestId ?? requestId,
        },
      },
    });
}

export const graphErrors: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (error instanceof GraphError) return sendGraphError(res, error, req.get('client-request-id'));
  // Unreadable JSON bodies, from express.json().
  if (error instanceof SyntaxError || (error as { type?: string })?.type === 'entity.parse.failed') {
    return sendGraphError(
      res,
      badRequest(
        'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
      ),
      req.get('client-request-id'),
    );
  }
  next(error);
};
