import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AudioService } from './audio.service.js';

@ApiTags('audio')
@ApiSecurity('api-key')
@ApiConsumes('multipart/form-data')
@Controller('openai')
export class AudioController {
  constructor(private readonly audio: AudioService) {}

  @Post('deployments/:deployment/audio/transcriptions')
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
  @ApiOperation({ summary: 'Transcribe audio (v1 style: `model` names the deployment)' })
  @ApiBody({ schema: { $ref: '#/components/schemas/TranscriptionRequest' } })
  transcribeV1(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.audio.run('transcriptions', req, res);
  }

  @Post('v1/audio/translations')
  @ApiOperation({ summary: 'Translate audio (v1 style)' })
  @ApiBody({ schema: { $ref: '#/components/schemas/TranslationRequest' } })
  translateV1(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.audio.run('translations', req, res);
  }
}
