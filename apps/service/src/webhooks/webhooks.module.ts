import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { WEBHOOK_QUEUE, WebhooksService } from './webhooks.service.js';

@Module({
  imports: [BullModule.registerQueue({ name: WEBHOOK_QUEUE })],
  // The delivery worker (WebhookProcessor) runs where the video workers run (see JobsModule).
  providers: [WebhooksService],
  exports: [WebhooksService, BullModule],
})
export class WebhooksModule {}
