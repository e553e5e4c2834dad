// The seed document's E2E test (PRODUCTION_ROADMAP.md, "Phase 5 → Testing Implementation",
// src/tests/e2e/api.test.ts), run against the running services. Adapted ONLY in how it reaches
// the server: `app` is the URL of a gateway started by startLocalStack (seed-stack.ts), supertest
// comes from the gateway's devDependencies, and the stack is started/stopped around it. The body
// of the seed's describe block below is unchanged.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from '../../services/gateway/test/support/supertest';
import { app, startSeedStack, stopSeedStack } from './seed-stack';

// ---- adaptation: start the stack (and the seed's account) before the seed's own beforeAll ----
beforeAll(startSeedStack, 120_000);
afterAll(stopSeedStack, 60_000);
// ---- the seed's test, verbatim ----

describe('API E2E Tests', () => {
  let authToken: string;
  
  beforeAll(async () => {
    // Setup test environment
    const response = await request(app)
      .post('/auth/login')
      .send({ email: 'test@example.com', password: 'test123' });
    authToken = response.body.token;
  });
  
  describe('Security', () => {
    it('should reject requests without authentication', async () => {
      const response = await request(app)
        .post('/api/analyze')
        .send({ target: '0x123' });
      expect(response.status).toBe(401);
    });
    
    it('should validate input data', async () => {
      const response = await request(app)
        .post('/api/analyze')
        .set('Authorization', `Bearer ${authToken}`)
        .send({ target: 'invalid-address' });
      expect(response.status).toBe(400);
      expect(response.body.error).toContain('Invalid address');
    });
    
    it('should enforce rate limits', async () => {
      const requests = Array(101).fill(0).map(() =>
        request(app)
          .get('/api/status')
          .set('Authorization', `Bearer ${authToken}`)
      );
      
      const responses = await Promise.all(requests);
      const rateLimited = responses.filter(r => r.status === 429);
      expect(rateLimited.length).toBeGreaterThan(0);
    });
  });
  
  describe('Performance', () => {
    it('should handle concurrent requests', async () => {
      const start = Date.now();
      const requests = Array(100).fill(0).map(() =>
        request(app)
          .post('/api/analyze')
          .set('Authorization', `Bearer ${authToken}`)
          .send({
            target: '0x1f9840a85d5af5bf1d1762f925bdaddc4201f984',
            network: 'ethereum',
          })
      );
      
      const responses = await Promise.all(requests);
      const duration = Date.now() - start;
      
      expect(responses.every(r => r.status === 200)).toBe(true);
      expect(duration).toBeLessThan(10000); // Should complete within 10 seconds
    });
  });
});
