import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { KeyRing, presentedKey } from '../auth/key-ring.js';
import { renderError } from '../common/api-error.js';
import { VIDEO_CREATE_QUEUE, VIDEO_TRACK_QUEUE } from '../jobs/queues.js';
import { WEBHOOK_QUEUE } from '../webhooks/webhooks.service.js';

export const BOARD_PATH = '/admin/queues';

/** Bull Board behind the admin key (header, Bearer, or a browser's Basic prompt with the key as password). */
export function mountBullBoard(app: INestApplication): void {
  const keys = app.get(KeyRing);
  const board = new ExpressAdapter();
  board.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: [VIDEO_CREATE_QUEUE, VIDEO_TRACK_QUEUE, WEBHOOK_QUEUE].map(
      (name) => new BullAdapter(app.get<Queue>(getQueueToken(name))),
    ),
    serverAdapter: board,
  });
  const guard = (req: Request, res: Response, next: NextFunction) => {
    if (keys.isAdmin(presentedKey(req.headers, true))) return next();
    res.setHeader('www-authenticate', 'Basic realm="aoai-media admin", charset="UTF-8"');
    res.status(401).json(renderError(req.originalUrl, { code: '401', message: 'the admin key is required' }));
  };
  app.use(BOARD_PATH, guard, board.getRouter());
}
