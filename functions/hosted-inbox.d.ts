/** The hosted team inbox's Durable Object as the Worker sees it (see hosted-inbox.js). */
import { DurableObject } from 'cloudflare:workers';
import type { HostedInboxOperatorCalls, OperatorConnection, OperatorInviteAnswer } from '../protocol/connection.ts';
import type {
  DevelopmentVaultSetup,
  HostedInboxCalls,
  HostedInvite,
  HostedPromise,
  HostedReceiveResult,
} from '../protocol/hosted-inbox.ts';

export declare class HostedInbox extends DurableObject implements HostedInboxCalls, HostedInboxOperatorCalls {
  receive(recipient: string, body: string): Promise<HostedReceiveResult>;
  inviteAdministrator(recipient: string, name: string): Promise<HostedInvite>;
  setAlertWebhook(recipient: string, url: string | null): Promise<boolean>;
  setPromise(recipient: string, promise: HostedPromise | null): Promise<boolean>;
  provisionDevelopmentVault(recipient: string, setup: DevelopmentVaultSetup): Promise<boolean>;
  operatorInvite(recipient: string, options: { name?: string }): Promise<OperatorInviteAnswer>;
  operatorConnection(recipient: string): Promise<OperatorConnection>;
  operatorApproved(recipient: string): Promise<void>;
  operatorDisconnect(recipient: string): Promise<{ disconnectedAt: number }>;
  fetch(request: Request): Promise<Response>;
  alarm(): Promise<void>;
}
