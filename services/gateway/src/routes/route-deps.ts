import type { Network } from '@oca/contracts';
import type { FastifyRequest } from 'fastify';
import type { AuthClient } from '../services/auth-client';
import type { JobService } from '../services/job-service';
import type { DeliveryStore } from '../webhooks/delivery-store';
import type { WebhookSecretStore } from '../webhooks/webhook-secrets';

/** What the route plugins need; built once in app.ts (or by a test). */
export interface RouteDeps {
  auth: AuthClient;
  jobs: JobService;
  deliveries: DeliveryStore;
  webhookSecrets: WebhookSecretStore;
  authenticate: (request: FastifyRequest) => Promise<void>;
  networks: readonly Network[];
  longPollMaxSeconds: number;
  ready: () => Promise<Record<string, boolean>>;
}
