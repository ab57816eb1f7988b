import { Controller, Delete, Get, Head, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Tenant } from '../auth/guards.js';
import { VideosApi } from './videos.api.js';

@ApiTags('videos')
@ApiSecurity('api-key')
@Controller('openai/v1/videos')
export class VideosController {
  constructor(private readonly videos: VideosApi) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Create a video (JSON, or multipart with an input_reference file); answers at once. Extensions: callback_url, metadata.',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ schema: { $ref: '#/components/schemas/VideoCreateRequest' } })
  create(@Tenant() tenant: string, @Req() req: Request) {
    return this.videos.create(tenant, req);
  }

  @Post(':id/remix')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Remix a completed video with a new prompt; answers at once with the new video. Extensions: callback_url, metadata.',
  })
  @ApiBody({ schema: { $ref: '#/components/schemas/VideoRemixRequest' } })
  remix(@Tenant() tenant: string, @Param('id') id: string, @Req() req: Request) {
    return this.videos.remix(tenant, id, req);
  }

  @Get()
  @ApiOperation({ summary: 'List videos' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'after', required: false })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'] })
  list(@Tenant() tenant: string, @Query() query: Record<string, unknown>) {
    return this.videos.list(tenant, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a video' })
  get(@Tenant() tenant: string, @Param('id') id: string) {
    return this.videos.get(tenant, id);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a video and its stored files' })
  remove(@Tenant() tenant: string, @Param('id') id: string) {
    return this.videos.remove(tenant, id);
  }

  @Get(':id/content')
  @ApiOperation({ summary: 'Download the video or its thumbnail from storage (Range supported)' })
  @ApiQuery({ name: 'variant', required: false, enum: ['video', 'thumbnail', 'spritesheet'] })
  content(
    @Tenant() tenant: string,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.videos.content(tenant, id, req, res);
  }

  @Head(':id/content')
  contentHead(
    @Tenant() tenant: string,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.videos.content(tenant, id, req, res);
  }
}
