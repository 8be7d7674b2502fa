// GET /export/:format — the exports over plain HTTP, with validators so pollers (a CronJob, a
// firewall agent) download and apply only when something changed: a strong ETag of the body
// (If-None-Match → 304) and Last-Modified = when the newest event of the selection was recorded.
import { createHash } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import { ApiError } from '../errors';
import type { ReadModel } from '../read-model/read-model';
import { CONTENT_TYPES, EXPORT_FORMATS, loadExportHosts, renderExport, type ExportFormat } from './render';
import { exportRequestFromQuery } from './query';
import type { ExportSettings } from './settings';

export function exportRouter(readModel: ReadModel, settings: ExportSettings): Router {
  const router = express.Router();
  router.get('/export/:format', async (req, res, next) => {
    try {
      const format = req.params['format'] as ExportFormat;
      if (!EXPORT_FORMATS.includes(format)) {
        throw new ApiError('NOT_FOUND', `unknown export "${format}" (known: ${EXPORT_FORMATS.join(', ')})`);
      }
      const request = exportRequestFromQuery(req.query);
      const [hosts, modified] = await Promise.all([
        loadExportHosts(readModel, request),
        readModel.latestRecordedAt(request.cluster ?? null),
      ]);
      const document = renderExport(format, hosts, settings, request);
      const body = typeof document === 'string' ? document : `${JSON.stringify(document, null, 2)}\n`;
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      res.setHeader('ETag', etag);
      res.setHeader('Cache-Control', 'no-cache');
      if (modified !== null) res.setHeader('Last-Modified', modified.toUTCString());
      if (notModified(req, etag, modified)) {
        res.status(304).end();
        return;
      }
      res.type(CONTENT_TYPES[format]);
      res.send(body);
    } catch (error) {
      next(error);
    }
  });
  return router;
}

/** RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only counts without it. */
function notModified(req: Request, etag: string, modified: Date | null): boolean {
  const ifNoneMatch = req.get('if-none-match');
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch
      .split(',')
      .map((tag) => tag.trim().replace(/^W\//, ''))
      .some((tag) => tag === '*' || tag === etag);
  }
  const ifModifiedSince = req.get('if-modified-since');
  if (ifModifiedSince === undefined || modified === null) return false;
  const since = Date.parse(ifModifiedSince);
  // HTTP dates have whole seconds: compare at that resolution.
  return !Number.isNaN(since) && Math.floor(modified.getTime() / 1000) * 1000 <= since;
}
