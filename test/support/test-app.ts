import { Test } from '@nestjs/testing';
import { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { createLogger } from '../../src/common/logging/logger';
import { loadAppConfig } from '../../src/config/app.config';
import { createTestDatabase } from './test-database';

export interface TestApp {
  app: NestExpressApplication;
  dataSource: DataSource;
  databaseUrl: string;
  database: { url: string; drop: () => Promise<void> };
  http: () => ReturnType<typeof request>;
  /** Listens on a random port (for browser tests); returns the base URL. */
  listen: () => Promise<string>;
  close: () => Promise<void>;
}

/** The whole application on a fresh clone of the migrated template database. */
export async function createTestApp(env: Record<string, string> = {}, options: { database?: { url: string; drop: () => Promise<void> }; keepDatabase?: boolean } = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadAppConfig({ NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', ...env });
  const logger = createLogger(config.logLevel);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register({ config, databaseUrl: database.url, logger })],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
  configureApp(app, config, logger);
  await app.init();
  return {
    app,
    dataSource: app.get<DataSource>(getDataSourceToken()),
    databaseUrl: database.url,
    database,
    http: () => request(app.getHttpServer()),
    async listen() {
      await app.listen(0, '127.0.0.1');
      const address = app.getHttpServer().address() as { port: number };
      return `http://127.0.0.1:${address.port}`;
    },
    async close() {
      await app.close();
      if (!options.keepDatabase) await database.drop();
    },
  };
}
