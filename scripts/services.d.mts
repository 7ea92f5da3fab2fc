// Types of services.mjs for the TypeScript code that imports it (the e2e set-up).
export declare const services: {
  name: string;
  database?: string;
  migrate?: string;
  main: string;
  features?: boolean;
  readySubject?: string;
  e2eEnv?: Record<string, string>;
}[];
export declare function databaseUrl(
  service: { name: string; database?: string },
  env?: NodeJS.ProcessEnv,
): string;
