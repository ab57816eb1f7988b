import { Controller, Delete, Get, Head, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Tenant } from '../auth/guards.js';
import { VideoJobsApi } from './video-jobs.api.js';

/** Azure's video generation jobs: /openai/v1/video/generations/... */
@ApiTags('video generation jobs')
@ApiSecurity('api-key')
@Controller('openai/v1/video/generations')
export class VideoJobsController {
  constructor(private readonly jobs: VideoJobsApi) {}

  @Post('jobs')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Create a video job; answers at once with the service job id. Extensions: callback_url, metadata.',
  })
  @ApiBody({ schema: { $ref: '#/components/schemas/VideoJobRequest' } })
  create(@Tenant() tenant: string, @Req() req: Request) {
    return this.jobs.create(tenant, req);
  }

  @Get('jobs')
  @ApiOperation({ summary: 'List video jobs (newest first)' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'after', required: false })
  @ApiQuery({ name: 'before', required: false })
  @ApiQuery({ name: 'statuses', required: false, description: 'comma-separated' })
  list(@Tenant() tenant: string, @Query() query: Record<string, unknown>) {
    return this.jobs.list(tenant, query);
  }

  @Get('jobs/:id')
  @ApiOperation({ summary: 'Get a video job' })
  get(@Tenant() tenant: string, @Param('id') id: string) {
    return this.jobs.get(tenant, id);
  }

  @Delete('jobs/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a video job and its stored files' })
  async remove(@Tenant() tenant: string, @Param('id') id: string): Promise<void> {
    await this.jobs.remove(tenant, id);
  }

  @Get(':generationId')
  @ApiOperation({ summary: 'Get a generation' })
  generation(@Tenant() tenant: string, @Param('generationId') id: string) {
    return this.jobs.generation(tenant, id);
  }

  @Get(':generationId/content/video')
  @ApiOperation({ summary: 'Download a generation video from storage (Range supported)' })
  @ApiQuery({ name: 'quality', required: false, enum: ['high', 'low'] })
  video(
    @Tenant() tenant: string,
    @Param('generationId') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.jobs.content(tenant, id, req, res);
  }

  @Head(':generationId/content/video')
  @ApiOperation({ summary: 'Size and readiness of a generation video' })
  videoHead(
    @Tenant() tenant: string,
    @Param('generationId') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.jobs.content(tenant, id, req, res);
  }

  @Get(':generationId/content/thumbnail')
  @ApiOperation({ summary: 'Download a generation thumbnail from storage' })
  thumbnail(
    @Tenant() tenant: string,
    @Param('generationId') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.jobs.thumbnail(tenant, id, req, res);
  }
}
