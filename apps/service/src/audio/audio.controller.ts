import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AudioService, SpeechService } from './audio.service.js';

@ApiTags('audio')
@ApiSecurity('api-key')
@Controller('openai')
export class AudioController {
  constructor(
    private readonly audio: AudioService,
    private readonly speech: SpeechService,
  ) {}

  @Post('v1/audio/speech')
  @ApiConsumes('application/json')
  @ApiProduces('application/octet-stream')
  @ApiOperation({
    summary: 'Text to speech (v1 style: `model` names the deployment); the audio streams back',
  })
  @ApiBody({ schema: { $ref: '#/components/schemas/SpeechRequest' } })
  speakV1(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.speech.speak(req, res);
  }

  @Post('deployments/:deployment/audio/speech')
  @ApiConsumes('application/json')
  @ApiProduces('application/octet-stream')
  @ApiOperation({ summary: 'Text to speech (deployment style)' })
  @ApiBody({ schema: { $ref: '#/components/schemas/SpeechRequest' } })
  speakDeployment(
    @Param('deployment') deployment: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.speech.speak(req, res, deployment);
  }

  @Post('deployments/:deployment/audio/transcriptions')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({ summary: 'Transcribe audio (deployment style)' })
  @ApiBody({ schema: { $ref: '#/components/schemas/TranscriptionRequest' } })
  transcribe(
    @Param('deployment') deployment: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.audio.run('transcriptions', req, res, deployment);
  }

  @Post('deployments/:deployment/audio/translations')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({ summary: 'Translate audio to English text (deployment style)' })
  @ApiBody({ schema: { $ref: '#/components/schemas/TranslationRequest' } })
  translate(
    @Param('deployment') deployment: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.audio.run('translations', req, res, deployment);
  }

  @Post('v1/audio/transcriptions')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({ summary: 'Transcribe audio (v1 style: `model` names the deployment)' })
  @ApiBody({ schema: { $ref: '#/components/schemas/TranscriptionRequest' } })
  transcribeV1(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.audio.run('transcriptions', req, res);
  }

  @Post('v1/audio/translations')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({ summary: 'Translate audio (v1 style)' })
  @ApiBody({ schema: { $ref: '#/components/schemas/TranslationRequest' } })
  translateV1(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.audio.run('translations', req, res);
  }
}
