import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { WEBHOOK_QUEUE, WebhookProcessor, WebhooksService } from './webhooks.service.js';

@Module({
  imports: [BullModule.registerQueue({ name: WEBHOOK_QUEUE })],
  providers: [WebhooksService, WebhookProcessor],
  exports: [WebhooksService, BullModule],
})
export class WebhooksModule {}
