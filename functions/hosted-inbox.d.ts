/** The hosted team inbox's Durable Object as the Worker sees it (see hosted-inbox.js). */
import { DurableObject } from 'cloudflare:workers';
import type {
  DevelopmentVaultSetup,
  HostedInboxCalls,
  HostedInvite,
  HostedPromise,
  HostedReceiveResult,
} from '../protocol/hosted-inbox.ts';

export declare class HostedInbox extends DurableObject implements HostedInboxCalls {
  receive(recipient: string, body: string): Promise<HostedReceiveResult>;
  inviteAdministrator(recipient: string, name: string): Promise<HostedInvite>;
  setAlertWebhook(recipient: string, url: string | null): Promise<boolean>;
  setPromise(recipient: string, promise: HostedPromise | null): Promise<boolean>;
  provisionDevelopmentVault(recipient: string, setup: DevelopmentVaultSetup): Promise<boolean>;
  fetch(request: Request): Promise<Response>;
  alarm(): Promise<void>;
}
