/**
 * supertest, re-exported from the gateway's devDependencies so the seed document's E2E test
 * (test/seed, outside any workspace package) can use the library it was written for.
 */
import request from 'supertest';

export default request;
