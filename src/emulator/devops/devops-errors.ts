// Failures in the Azure DevOps wire shape: `{ "$id": "1", innerException, message, typeName, typeKey,
// errorCode, eventId }` with the .NET exception the real service would name. Routes throw
// DevOpsApiError; each router ends with `answerDevOpsErrors`, which writes it.

import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler } from 'express';

// typeKey → typeName, as Azure DevOps prints them (assembly after the comma).
const EXCEPTION_TYPE_NAMES = {
  ArgumentException: 'System.ArgumentException, mscorlib',
  ArgumentNullException: 'System.ArgumentNullException, mscorlib',
  JsonReaderException: 'Newtonsoft.Json.JsonReaderException, Newtonsoft.Json',
  UnauthorizedRequestException:
    'Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server',
  AccessCheckException:
    'Microsoft.VisualStudio.Services.Security.AccessCheckException, Microsoft.VisualStudio.Services.WebApi',
  HostDoesNotExistException:
    'Microsoft.TeamFoundation.Framework.Server.HostDoesNotExistException, Microsoft.TeamFoundation.Framework.Server',
  ProfileDoesNotExistException:
    'Microsoft.VisualStudio.Services.Profile.ProfileDoesNotExistException, Microsoft.VisualStudio.Services.WebApi',
  GraphSubjectNotFoundException:
    'Microsoft.VisualStudio.Services.Graph.GraphSubjectNotFoundException, Microsoft.VisualStudio.Services.WebApi',
  SessionTokenNotFoundException:
    'Microsoft.VisualStudio.Services.DelegatedAuthorization.SessionTokenNotFoundException, Microsoft.VisualStudio.Services.WebApi',
  VssVersionNotSpecifiedException:
    'Microsoft.VisualStudio.Services.WebApi.VssVersionNotSpecifiedException, Microsoft.VisualStudio.Services.WebApi',
  VssInvalidApiVersionException:
    'Microsoft.VisualStudio.Services.WebApi.VssInvalidApiVersionException, Microsoft.VisualStudio.Services.WebApi',
  VssVersionOutOfRangeException:
    'Microsoft.VisualStudio.Services.WebApi.VssVersionOutOfRangeException, Microsoft.VisualStudio.Services.WebApi',
  VssVersionNotSupportedException:
    'Microsoft.VisualStudio.Services.WebApi.VssVersionNotSupportedException, Microsoft.VisualStudio.Services.WebApi',
  VssInvalidPreviewVersionException:
    'Microsoft.VisualStudio.Services.WebApi.VssInvalidPreviewVersionException, Microsoft.VisualStudio.Services.WebApi',
  VssInvalidApiResourceVersionException:
    'Microsoft.VisualStudio.Services.WebApi.VssInvalidApiResourceVersionException, Microsoft.VisualStudio.Services.WebApi',
} as const;

export type ExceptionTypeKey = keyof typeof EXCEPTION_TYPE_NAMES;

export class DevOpsApiError extends Error {
  override name = 'DevOpsApiError';
  readonly status: number;
  readonly typeKey: ExceptionTypeKey;
  readonly eventId: number;
  readonly headers: Record<string, string | string[]>;

  constructor(
    status: number,
    typeKey: ExceptionTypeKey,
    message: string,
    options: { eventId?: number; headers?: Record<string, string | string[]> } = {},
  ) {
    super(message);
    this.status = status;
    this.typeKey = typeKey;
    // 3000 is what the service puts on request failures (every published error body shows it).
    this.eventId = options.eventId ?? 3000;
    this.headers = options.headers ?? {};
  }
}

function devOpsErrorBody(typeKey: ExceptionTypeKey, message: string, eventId = 3000) {
  return {
    $id: '1',
    innerException: null,
    message,
    typeName: EXCEPTION_TYPE_NAMES[typeKey],
    typeKey,
    errorCode: 0,
    eventId,
  };
}

/** `ArgumentException` is what the service's controllers throw for bad input; it maps to 400. */
export function invalidArgument(message: string): DevOpsApiError {
  return new DevOpsApiError(400, 'ArgumentException', message);
}

/**
 * A body that is not JSON, or whose fields have the wrong JSON types, fails in Json.NET before the
 * controller runs; the service answers 400 with an internal-error message and event id 0
 * (reported in MicrosoftDocs/vsts-rest-api-specs#636).
 */
export function unreadableBody(): DevOpsApiError {
  return new DevOpsApiError(
    400,
    'JsonReaderException',
    `TF400898: An Internal Error Occurred. Activity Id: ${randomUUID()}.`,
    {
      eventId: 0,
    },
  );
}

/** Writes DevOpsApiErrors and body-parser failures in the Azure DevOps shape; passes anything else on. */
export const answerDevOpsErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  const known = error instanceof DevOpsApiError ? error : isBodyParseFailure(error) ? unreadableBody() : undefined;
  if (!known) {
    next(error);
    return;
  }
  res
    .status(known.status)
    .set(known.headers)
    .json(devOpsErrorBody(known.typeKey, known.message, known.eventId));
};

function isBodyParseFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'entity.parse.failed';
}
