/**
 * Version 1 of the video operations, kept for the workflows saved with it. Version 1 named its
 * fields and shaped its output after each of Azure's two video APIs (Sora 1 jobs with generations,
 * Sora 2 videos); saved workflows hold those field names and read those outputs, so they stay.
 * This file is the one place that knows them. The calls themselves go through core's one video
 * interface like version 2's.
 */
import {
	parseSize,
	videoCapabilities,
	type VideoApi,
	type VideoContent,
	type VideoQuality,
	type VideoModel,
	type VideoOutput,
	type VideoTask,
} from '@aoai-media/core';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { firstOf, perModel, VERSION_1, type Show } from '../descriptions';
import { valueOptions } from '../labels';

export function isVersion1(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().typeVersion < 2;
}

/**
 * Version 1's field names, by the API of the model: what saved workflows hold. `suffixed`: its
 * files other than the video were named `<id>-<content>` (Sora 2), or `<id>` (Sora 1).
 */
const FIELD_NAMES: Record<
	VideoApi,
	{ id: string; output: string; content: string; suffixed: boolean }
> = {
	jobs: { id: 'jobId', output: 'generationId', content: 'content', suffixed: false },
	videos: { id: 'videoId', output: 'videoId', content: 'variant', suffixed: true },
};

/** Whether a thumbnail's file name says what it is: from version 2 always, in version 1 as before. */
export function contentInFileName(ctx: IExecuteFunctions, api: VideoApi): boolean {
	return !isVersion1(ctx) || FIELD_NAMES[api].suffixed;
}

const namesOf = (model: VideoModel) => FIELD_NAMES[videoCapabilities(model).api];

/** Get, Delete and Remix: the Job ID (Sora 1) or the Video ID (Sora 2). */
export function legacyIdProperties(show: Show, models: readonly VideoModel[]): INodeProperties[] {
	const v1: Show = { ...show, ...VERSION_1 };
	return [
		...perModel(
			models,
			v1,
			'job_id',
			(m) => (namesOf(m).id === 'jobId' ? true : undefined),
			() => ({
				displayName: 'Job ID',
				name: 'jobId',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'e.g. task_01j...',
				description: 'The ID of the video generation job, as returned by Create Job',
			}),
		),
		...legacyVideoIdProperty(v1, models),
	];
}

function legacyVideoIdProperty(show: Show, models: readonly VideoModel[]): INodeProperties[] {
	return perModel(
		models,
		show,
		'video_id',
		(m) => (namesOf(m).id === 'videoId' ? true : undefined),
		() => ({
			displayName: 'Video ID',
			name: 'videoId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. video_01j...',
			description: 'The ID of the Sora 2 video, as returned by Create Job or Generate',
		}),
	);
}

/** Download: a generation's video (in a quality) or thumbnail, or a video's video, thumbnail or spritesheet. */
export function legacyDownloadProperties(
	show: Show,
	models: readonly VideoModel[],
): INodeProperties[] {
	const v1: Show = { ...show, ...VERSION_1 };
	const byGeneration = (m: VideoModel) => (namesOf(m).output === 'generationId' ? m : undefined);
	const contentsOf = (m: VideoModel) => videoCapabilities(m).contents;
	return [
		...perModel(models, v1, 'generation_id', byGeneration, () => ({
			displayName: 'Generation ID',
			name: 'generationId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. gen_01j...',
			description: 'The ID of one generation of a finished job (see "generations" in Get Job)',
		})),
		...perModel(
			models,
			v1,
			'content',
			(m) => (byGeneration(m) ? contentsOf(m) : undefined),
			(contents) => ({
				displayName: 'Content',
				name: 'content',
				type: 'options',
				options: contentOptions(contents),
				default: firstOf(contents),
			}),
		),
		...perModel(
			models,
			v1,
			'quality',
			(m) => (byGeneration(m) ? videoCapabilities(m).qualities : undefined),
			(qualities) => ({
				displayName: 'Quality',
				name: 'quality',
				type: 'options',
				options: valueOptions('quality', qualities),
				default: firstOf(qualities),
				description: 'The video quality; a thumbnail has only one',
			}),
		),
		...legacyVideoIdProperty(v1, models),
		...perModel(
			models,
			v1,
			'variant',
			(m) => (namesOf(m).content === 'variant' ? contentsOf(m) : undefined),
			(contents) => ({
				displayName: 'Variant',
				name: 'variant',
				type: 'options',
				options: contentOptions(contents),
				default: firstOf(contents),
			}),
		),
	];
}

/** What each download of an output is. */
const CONTENT_DESCRIPTIONS: Record<VideoContent, string> = {
	video: 'The MP4 video',
	thumbnail: 'A still image of the video',
	spritesheet: 'A grid of frames from across the video',
};

export function contentOptions(contents: readonly VideoContent[]) {
	return valueOptions('content', contents).map((option) => ({
		...option,
		description: CONTENT_DESCRIPTIONS[option.value as VideoContent],
	}));
}

/** The field holding the task ID in version 1: Job ID (Sora 1) or Video ID (Sora 2). */
export function legacyIdField(model: VideoModel): { displayName: string; parameter: string } {
	const parameter = namesOf(model).id;
	return { displayName: parameter === 'jobId' ? 'Job ID' : 'Video ID', parameter };
}

/** Version 1's Download fields, by the names the model's fields had: which output, content and quality. */
export function legacyDownload(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: VideoModel,
): { outputId: string; content: VideoContent; quality?: VideoQuality; json: IDataObject } {
	const names = namesOf(model);
	const outputId = String(ctx.getNodeParameter(names.output, itemIndex, '')).trim();
	const content = ctx.getNodeParameter(names.content, itemIndex, 'video') as VideoContent;
	// A thumbnail has one quality, so version 1 named none for it.
	const quality =
		content === 'video' && videoCapabilities(model).qualities.length > 0
			? (ctx.getNodeParameter('quality', itemIndex) as VideoQuality)
			: undefined;
	const json: IDataObject = {
		[names.output]: outputId,
		[names.content]: content,
		...(quality !== undefined ? { quality } : {}),
	};
	return { outputId, content, quality, json };
}

/** A task as version 1 returned it: Azure's JSON, unchanged. */
export function legacyTaskJson(task: VideoTask): IDataObject {
	return { ...(task.raw as IDataObject) };
}

/** One downloaded output as version 1 described it: the generation (Sora 1) or the video (Sora 2). */
export function legacyOutputJson(task: VideoTask, output: VideoOutput): IDataObject {
	const raw = task.raw as IDataObject;
	if (FIELD_NAMES[task.api].output === 'generationId') {
		const generations = (raw.generations ?? []) as IDataObject[];
		const generation = generations[output.index] ?? {};
		return {
			jobId: task.id,
			generationId: output.id,
			index: output.index,
			status: raw.status,
			prompt: generation.prompt,
			width: generation.width,
			height: generation.height,
			n_seconds: generation.n_seconds,
			created_at: generation.created_at,
			expires_at: raw.expires_at ?? null,
		};
	}
	const size = task.size !== undefined ? parseSize(task.size) : undefined;
	return {
		videoId: task.id,
		status: raw.status,
		prompt: raw.prompt ?? null,
		size: raw.size,
		width: size?.width ?? null,
		height: size?.height ?? null,
		seconds: raw.seconds,
		created_at: raw.created_at,
		completed_at: raw.completed_at ?? null,
		expires_at: raw.expires_at ?? null,
		remixed_from_video_id: raw.remixed_from_video_id ?? null,
	};
}
