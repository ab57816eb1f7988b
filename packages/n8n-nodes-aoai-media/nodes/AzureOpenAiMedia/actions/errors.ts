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
import { API_CREDENTIAL, ENTRA_CREDENTIAL, TOKEN_REQUEST_FAILED } from '../transport';
import { fieldLabel, fieldName, valueLabel } from './labels';

export type NodeFailure = NodeApiError | NodeOperationError;

function isNodeFailure(error: unknown): error is NodeFailure {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return true;
	const name = (error as Error | undefined)?.constructor?.name;
	return name === 'NodeApiError' || name === 'NodeOperationError';
}

/** `a`, `a or b`, `a, b or c`. */
function either(words: readonly string[]): string {
	return words.length <= 1
		? words.join('')
		: `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

const bare = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A value as the option list shows it, with the wire value where the label does not contain it. */
function shownValue(path: string, value: string | number): string {
	const label = valueLabel(/^[a-z_]+/.exec(path)?.[0] ?? path, value);
	return bare(label).includes(bare(String(value))) ? label : `${label} (${value})`;
}

/**
 * One problem as the user reads it: the field's label and wire name, what is wrong, and how to fix
 * it in the node. Core's message says what is wrong; it starts with the wire name, which the
 * label replaces.
 */
export function describeIssue(issue: Issue, operation?: string): string {
	const field = fieldName(issue.path, operation);
	const what = issue.message.startsWith(`${issue.path} `)
		? issue.message.slice(issue.path.length + 1)
		: issue.message;
	const lines = [`${fieldLabel(issue.path, operation)}: ${what}`];
	const where = field ? `"${field.displayName}"` : issue.path;
	const allowed = issue.allowed ?? [];
	if (issue.code === 'out_of_range' && allowed.length === 2) {
		const [min, max] = allowed;
		lines.push(
			min === max
				? `  Allowed: ${min}. Fix: set ${where} to ${min}.`
				: `  Allowed: ${min} to ${max}. Fix: set ${where} to a value from ${min} to ${max}.`,
		);
	} else if (issue.code === 'not_allowed' && allowed.length > 0) {
		const labels = allowed.map((v) => shownValue(issue.path, v));
		lines.push(
			issue.path.endsWith('.contentType')
				? `  Allowed: ${labels.join(', ')}. Fix: give ${where} a file of type ${either(labels)}.`
				: `  Allowed: ${labels.join(', ')}. Fix: choose one of them in ${where}.`,
		);
	} else if (issue.code === 'invalid_size') {
		// The message gives the rules; the listed sizes are examples, not all that is allowed.
		lines.push(
			`  Fix: enter a size that meets these rules in "Custom Size" (Size → Custom Size), or choose a listed size in ${where}.`,
		);
	} else if (issue.code === 'unsupported_field') {
		lines.push(`  Fix: clear ${where}, or choose a model that accepts it.`);
	} else if (issue.code === 'too_long' && allowed.length === 1) {
		lines.push(`  Allowed: at most ${allowed[0]} characters. Fix: shorten ${where}.`);
	} else if (allowed.length > 0) {
		lines.push(`  Allowed: ${allowed.join(', ')}.`);
	}
	return lines.join('\n');
}

/** Azure's own words, without the status and code core puts in front of them. */
function azureMessage(error: AzureOpenAIError): string {
	const body = error.body as { error?: { message?: unknown }; message?: unknown } | undefined;
	const message = body?.error?.message ?? body?.message;
	if (typeof message === 'string' && message.trim()) return message;
	const prefix = [String(error.status), error.code].filter(Boolean).join(' ');
	const text = error.message.replace(/ \(request id [^)]*\)$/, '');
	return text.startsWith(`${prefix} `) ? text.slice(prefix.length + 1) : text;
}

/** The credential the node runs with, by the name the user gave it. */
function credentialOf(node: INode): { type: string; name: string } | undefined {
	for (const [type, { name }] of Object.entries(node.credentials ?? {})) {
		if (type === API_CREDENTIAL || type === ENTRA_CREDENTIAL) return { type, name: name ?? type };
	}
	return undefined;
}

/** For 401 and 403: a message that names the credential, and what to check in it. */
function credentialRefusal(
	node: INode,
	error: AzureOpenAIError,
): { message: string; fix: string } | undefined {
	if (error.status !== 401 && error.status !== 403) return undefined;
	const credential = credentialOf(node);
	const name = credential ? `"${credential.name}"` : 'of this node';
	const oauth2 = credential?.type === ENTRA_CREDENTIAL;
	if (error.code === TOKEN_REQUEST_FAILED) {
		return {
			message: `Microsoft Entra ID did not sign in the credential ${name}`,
			fix: `Check the tenant ID, client ID and client secret in the credential ${name} (the secret may have expired).`,
		};
	}
	if (error.status === 401) {
		return {
			message: `Azure refused the credential ${name} (HTTP 401)`,
			fix: oauth2
				? `Check the tenant ID, client ID and client secret in the credential ${name}, and that its endpoint is the resource the app has access to.`
				: `Check the API key (or Entra ID token) and the endpoint in the credential ${name}. Keys are under Keys and Endpoint of the resource in the Azure portal; a pasted Entra ID token expires after about an hour (the Entra ID OAuth2 credential renews its token itself).`,
		};
	}
	return {
		message: `The credential ${name} may not use this resource or deployment (HTTP 403)`,
		fix: `Give the identity of the credential ${name} the Cognitive Services OpenAI User role on the resource, or check the resource's network rules.`,
	};
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
		const operation = String(node.parameters?.operation ?? '');
		const [first] = error.issues;
		const message =
			error.issues.length === 1 && first
				? `${fieldLabel(first.path, operation)} is not valid for this request`
				: `${error.issues.length} parameters are not valid for this request`;
		return new NodeOperationError(node, message, {
			itemIndex,
			description: error.issues.map((issue) => `- ${describeIssue(issue, operation)}`).join('\n'),
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
		const said = azureMessage(error);
		const response: JsonObject = {
			status: error.status,
			code: error.code ?? null,
			message: said,
			requestId: error.requestId ?? null,
		};
		const refused = credentialRefusal(node, error);
		return new NodeApiError(node, response, {
			itemIndex,
			httpCode: String(error.status),
			message: refused?.message ?? said,
			description: [
				...(refused
					? [refused.fix, error.code === TOKEN_REQUEST_FAILED ? said : `Azure said: ${said}`]
					: []),
				...apiDetails(error),
			].join('\n'),
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
