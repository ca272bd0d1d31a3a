// The `api-version` check every Azure DevOps REST call goes through. The version may come in the query
// (`?api-version=7.1-preview.1`, any letter case) or in the Accept header
// (`application/json; api-version=7.1-preview.1`); the answer names the version it used in its
// Content-Type, as the service does.

import type { Request, RequestHandler } from 'express';
import { DevOpsApiError } from './devops-errors.ts';
import { queryValue } from './query.ts';

export interface ApiVersionPolicy {
  /** Lowest `major.minor` the resource answers. */
  minimum: string;
  /** Highest `major.minor` the service knows. */
  latest: string;
  /** A resource still in preview refuses versions without `-preview`. */
  previewOnly: boolean;
  /** Highest resource version (`.1` in `7.1-preview.1`). */
  resourceVersion: number;
}

interface ApiVersion {
  number: number;
  text: string;
  preview: boolean;
  resourceVersion: number | undefined;
}

const VERSION_PATTERN = /^(\d+)\.(\d+)(-preview(?:\.(\d+))?)?$/i;

export function requireApiVersion(policy: ApiVersionPolicy): RequestHandler {
  const minimum = versionNumber(policy.minimum);
  const latest = versionNumber(policy.latest);
  return (req, res, next) => {
    const raw = requestedVersion(req);
    if (raw === undefined || raw === '') {
      throw new DevOpsApiError(
        400,
        'VssVersionNotSpecifiedException',
        `No api-version was supplied for the "${req.method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").`,
      );
    }
    const version = parseVersion(raw);
    if (!version) {
      throw new DevOpsApiError(
        400,
        'VssInvalidApiVersionException',
        `The api-version '${raw}' is not valid. Supply a version such as "${policy.latest}" or "${policy.latest}-preview.1".`,
      );
    }
    if (version.number > latest) {
      throw new DevOpsApiError(
        400,
        'VssVersionOutOfRangeException',
        `The requested REST API version of ${version.text} is out of range for this server. The latest REST API version this server supports is ${policy.latest}.`,
      );
    }
    if (version.number < minimum) {
      throw new DevOpsApiError(
        400,
        'VssVersionNotSupportedException',
        `The requested REST API version of ${version.text} is not supported by this resource. The minimum supported version is ${policy.minimum}.`,
      );
    }
    if (policy.previewOnly && !version.preview) {
      throw new DevOpsApiError(
        400,
        'VssInvalidPreviewVersionException',
        `The requested version "${version.text}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${version.text}-preview"`,
      );
    }
    if (version.resourceVersion !== undefined && version.resourceVersion > policy.resourceVersion) {
      throw new DevOpsApiError(
        400,
        'VssInvalidApiResourceVersionException',
        `The requested resource version ${version.resourceVersion} is out of range for this resource. The latest resource version this server supports is ${policy.resourceVersion}.`,
      );
    }
    const served = version.preview
      ? `${version.text}-preview.${version.resourceVersion ?? policy.resourceVersion}`
      : version.text;
    res.set('Content-Type', `application/json; charset=utf-8; api-version=${served}`);
    next();
  };
}

function requestedVersion(req: Request): string | undefined {
  const fromQuery = queryValue(req, 'api-version');
  if (fromQuery !== undefined) return fromQuery.trim();
  return /(?:^|;)\s*api-version\s*=\s*([^;,\s]+)/i.exec(req.get('accept') ?? '')?.[1];
}

function parseVersion(raw: string): ApiVersion | undefined {
  const match = VERSION_PATTERN.exec(raw);
  if (!match) return undefined;
  const text = `${Number(match[1])}.${Number(match[2])}`;
  return {
    number: versionNumber(text),
    text,
    preview: match[3] !== undefined,
    resourceVersion: match[4] === undefined ? undefined : Number(match[4]),
  };
}

function versionNumber(text: string): number {
  const [major = '0', minor = '0'] = text.split('.');
  return Number(major) * 1000 + Number(minor);
}
