import { Controller, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { IMAGE_DEPLOYMENT_HEADER, ResponsesService } from './responses.service.js';

@ApiTags('responses')
@ApiSecurity('api-key')
@Controller('openai/v1/responses')
export class ResponsesController {
  constructor(private readonly responses: ResponsesService) {}

  @Post()
  @ApiOperation({
    summary:
      'Responses API with the image_generation tool; `stream: true` relays server-sent events with partial images',
  })
  @ApiHeader({
    name: IMAGE_DEPLOYMENT_HEADER,
    description: 'The image deployment the tool uses',
    required: false,
  })
  @ApiBody({ schema: { $ref: '#/components/schemas/ResponsesImageRequest' } })
  create(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.responses.create(req, res);
  }
}
