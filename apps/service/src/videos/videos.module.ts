import { Module } from '@nestjs/common';
import { VideosController } from './videos.controller.js';
import { VideosApi } from './videos.api.js';

@Module({ controllers: [VideosController], providers: [VideosApi] })
export class VideosModule {}
