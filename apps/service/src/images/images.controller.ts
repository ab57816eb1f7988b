import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ImagesService } from './images.service.js';

@ApiTags('images')
@ApiSecurity('api-key')
@Controller('openai')
export class ImagesController {
  constructor(private readonly images: ImagesService) {}

  @Post('v1/images/generations')
  @ApiOperation({ summary: 'Generate images (v1 style: `model` names the deployment)' })
  @ApiBody({ schema: { $ref: '#/components/schemas/ImageGenerateRequest' } })
  generateV1(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.images.generate(req, res);
  }

  @Post('deployments/:deployment/images/generations')
  @ApiOperation({ summary: 'Generate images (deployment style)' })
  @ApiBody({ schema: { $ref: '#/components/schemas/ImageGenerateRequest' } })
  generateDeployment(
    @Param('deployment') deployment: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.images.generate(req, res, deployment);
  }

  @Post('v1/images/edits')
  @ApiOperation({ summary: 'Edit images with an optional mask (multipart)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { $ref: '#/components/schemas/ImageEditRequest' } })
  editV1(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.images.edit(req, res);
  }

  @Post('deployments/:deployment/images/edits')
  @ApiOperation({ summary: 'Edit images (deployment style, multipart)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { $ref: '#/components/schemas/ImageEditRequest' } })
  editDeployment(
    @Param('deployment') deployment: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.images.edit(req, res, deployment);
  }
}
