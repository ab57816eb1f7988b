/**
 * Turns core's errors into n8n's: validation problems into NodeOperationError (every issue listed),
 * Azure's answers into NodeApiError (status, code, request id, and what the content filter saw).
 * Only plain data goes into the errors, so n8n can print and store them.
 */
import {
	AbortError,
	AzureOpenAIError,
	ConfigurationError,
	ConnectionError,
	ContentFilterError,
	JobFailedError,
	MaybeProcessedError,
	TimeoutError,
	ValidationError,
	type Issue,
} from '@aoai-media/core';
import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

export type NodeFailure = NodeApiError | NodeOperationError;

function isNodeFailure(error: unknown): error is NodeFailure {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return true;
	const name = (error as Error | undefined)?.constructor?.name;
	return name === 'NodeApiError' || name === 'NodeOperationError';
}

export function describeIssue(issue: Issue): string {
	const allowed = issue.allowed?.length ? ` (allowed: ${issue.allowed.join(', ')})` : '';
	return `${issue.path}: ${issue.message}${allowed}`;
}

function apiDetails(error: AzureOpenAIError): string[] {
	return [
		`HTTP status: ${error.status}`,
		error.code ? `Code: ${error.code}` : undefined,
		error.param ? `Parameter: ${error.param}` : undefined,
		error.requestId ? `Request ID: ${error.requestId}` : undefined,
	].filter((line): line is string => line !== undefined);
}

export function toNodeError(node: INode, error: unknown, itemIndex: number): NodeFailure {
	if (isNodeFailure(error)) return error;

	if (error instanceof ValidationError) {
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: error.issues.map((issue) => `- ${describeIssue(issue)}`).join('\n'),
		});
	}

	if (error instanceof ContentFilterError) {
		const categories = [...error.categories];
		const response: JsonObject = {
			status: error.status,
			code: error.code ?? null,
			message: error.message,
			requestId: error.requestId ?? null,
			categories,
			revisedPrompt: error.revisedPrompt ?? null,
		};
		const description = [
			categories.length
				? `Filtered categories: ${categories.join(', ')}`
				: 'Filtered categories: not stated',
			error.revisedPrompt ? `Revised prompt: ${error.revisedPrompt}` : undefined,
			...apiDetails(error),
		].filter(Boolean);
		return new NodeApiError(node, response, {
			itemIndex,
			httpCode: String(error.status),
			message: `Azure's content filter blocked the request${categories.length ? ` (${categories.join(', ')})` : ''}`,
			description: description.join('\n'),
		});
	}

	if (error instanceof AzureOpenAIError) {
		const response: JsonObject = {
			status: error.status,
			code: error.code ?? null,
			message: error.message,
			requestId: error.requestId ?? null,
		};
		return new NodeApiError(node, response, {
			itemIndex,
			httpCode: String(error.status),
			message: error.message,
			description: apiDetails(error).join('\n'),
		});
	}

	// Azure answered badly after the request went out: it may have been billed, so it was not resent.
	if (error instanceof MaybeProcessedError && error.cause instanceof AzureOpenAIError) {
		const cause = error.cause;
		const response: JsonObject = {
			status: cause.status,
			code: cause.code ?? null,
			message: error.message,
			requestId: cause.requestId ?? null,
		};
		return new NodeApiError(node, response, {
			itemIndex,
			httpCode: String(cause.status),
			message: error.message,
			description: [
				...apiDetails(cause),
				'Azure may have processed (and billed) this request, so it was not sent again.',
			].join('\n'),
		});
	}

	if (error instanceof JobFailedError) {
		const response: JsonObject = {
			jobId: error.jobId,
			status: error.status,
			failureReason: error.failureReason ?? null,
		};
		return new NodeApiError(node, response, {
			itemIndex,
			message: error.message,
			description: `Job ${error.jobId} ended "${error.status}"${error.failureReason ? ` because of "${error.failureReason}"` : ''}.`,
		});
	}

	if (error instanceof ConnectionError) {
		return new NodeApiError(node, { message: error.message } as JsonObject, {
			itemIndex,
			message: error.message,
			description:
				'Azure could not be reached; check the endpoint in the credential and the network.',
		});
	}

	if (error instanceof TimeoutError) {
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description:
				'Raise the time limit in the options, or use Create Job and collect the result later with Get Job.',
		});
	}

	if (error instanceof AbortError) {
		return new NodeOperationError(node, 'The execution was cancelled', { itemIndex });
	}

	if (error instanceof ConfigurationError) {
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: 'Check the endpoint, key or token and API version in the credential.',
		});
	}

	return new NodeOperationError(node, error instanceof Error ? error : String(error), {
		itemIndex,
	});
}

/** The JSON an item carries when "Continue On Fail" keeps the run going. */
export function errorJson(error: NodeFailure): JsonObject {
	const json: JsonObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (error instanceof NodeApiError || error.constructor?.name === 'NodeApiError') {
		const api = error as NodeApiError;
		if (api.httpCode) json.httpCode = api.httpCode;
		const response = api.errorResponse as JsonObject | undefined;
		for (const key of [
			'code',
			'requestId',
			'categories',
			'revisedPrompt',
			'jobId',
			'failureReason',
		]) {
			const value = response?.[key];
			if (value !== undefined && value !== null) json[key] = value;
		}
	}
	return json;
}
