import type { AzureOpenAIMedia } from '../client.js';

export class Audio {
  constructor(protected readonly client: AzureOpenAIMedia) {}
}
