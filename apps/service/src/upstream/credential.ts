/**
 * Entra ID sign-in for the service itself: one @azure/identity credential, chosen by AZURE_CREDENTIAL,
 * used for Azure OpenAI (AZURE_OPENAI_AUTH=entra) and for Blob Storage (AZURE_STORAGE_ACCOUNT_URL).
 * The credentials read their own settings from the environment (AZURE_CLIENT_ID for a user-assigned
 * managed identity, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE, IDENTITY_ENDPOINT, ...).
 */
import {
  AzureCliCredential,
  DefaultAzureCredential,
  EnvironmentCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import type { CredentialKind } from '../config/config.js';

/** The credential, made when first needed (nothing is made when every sign-in uses keys). */
export class Credentials {
  private made: TokenCredential | undefined;
  constructor(
    private readonly kind: CredentialKind,
    private readonly clientId?: string,
  ) {}

  get(): TokenCredential {
    return (this.made ??= createCredential(this.kind, this.clientId));
  }
}

export function createCredential(kind: CredentialKind, clientId?: string): TokenCredential {
  switch (kind) {
    case 'managed-identity':
      return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
    case 'workload-identity':
      return new WorkloadIdentityCredential(clientId ? { clientId } : {});
    case 'environment':
      return new EnvironmentCredential();
    case 'azure-cli':
      return new AzureCliCredential();
    case 'default':
      return new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {});
  }
}
