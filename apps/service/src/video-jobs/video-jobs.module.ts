import { Module } from '@nestjs/common';
import { VideoJobsController } from './video-jobs.controller.js';
import { VideoJobsApi } from './video-jobs.api.js';

@Module({ controllers: [VideoJobsController], providers: [VideoJobsApi] })
export class VideoJobsModule {}
