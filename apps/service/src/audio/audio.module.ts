import { Module } from '@nestjs/common';
import { AudioController } from './audio.controller.js';
import { AudioService, SpeechService } from './audio.service.js';

@Module({ controllers: [AudioController], providers: [AudioService, SpeechService] })
export class AudioModule {}
